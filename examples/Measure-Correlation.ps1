#Requires -Version 7.6
<#
.SYNOPSIS
    Measures how well proxies rank NAS-Bench-201 architectures against a benchmark CSV (Spearman, Kendall tau-b, top-k).
.EXAMPLE
    ./examples/Measure-Correlation.ps1 -BenchmarkPath ../shared/data/nb201/nb201.csv -Count 1000
#>
param(
    [Parameter(Mandatory)] [string] $BenchmarkPath,
    [int] $Count = 1000,
    [long] $Seed = 1,
    [ValidateSet('cifar10', 'cifar100', 'imagenet16')] [string] $Dataset = 'cifar10',
    [string[]] $Proxy = @('sed')
)
Import-Module (Join-Path $PSScriptRoot '../NasPS.psd1') -ErrorAction Stop

$bench = Import-NasBenchmark $BenchmarkPath
$properties = $Proxy | ForEach-Object { [NasPS.Proxies.ProxyPropertyNames]::For($_) }
Get-Architecture -Space nb201 -Random $Count -Seed $Seed -Dataset $Dataset |
    Measure-ZeroCostProxy -Name $Proxy -Seed $Seed |
    Add-BenchmarkResult $bench |
    Measure-ProxyCorrelation -Property $properties -TopK 50 |
    Format-Table Proxy, Target, Count, Spearman, KendallTauB, TopKOverlap
