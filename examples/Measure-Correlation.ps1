#Requires -Version 7.6
<#
.SYNOPSIS
    Measures how well proxies rank NAS-Bench-201 architectures against a benchmark CSV (Spearman, Kendall tau-b, top-k)
    and writes a proxy-vs-accuracy scatter (SVG) for the first proxy.
.EXAMPLE
    ./examples/Measure-Correlation.ps1 -BenchmarkPath ../shared/data/nb201/nb201.csv -Count 1000 -SvgPath ./sed-vs-accuracy.svg
.EXAMPLE
    ./examples/Measure-Correlation.ps1 -BenchmarkPath ../shared/data/nb201/nb201.csv -Count 50 -Proxy sed, logsynflow -Dataset cifar100
#>
param(
    [Parameter(Mandatory)] [string] $BenchmarkPath,
    [int] $Count = 1000,
    [long] $Seed = 1,
    [ValidateSet('cifar10', 'cifar100', 'imagenet16')] [string] $Dataset = 'cifar10',
    [string[]] $Proxy = @('sed'),
    [string] $SvgPath = './proxy-vs-accuracy.svg'
)
Import-Module (Join-Path $PSScriptRoot '../NasPS.psd1') -ErrorAction Stop

$bench = Import-NasBenchmark $BenchmarkPath
$properties = $Proxy | ForEach-Object { [NasPS.Proxies.ProxyPropertyNames]::For($_) }
$scored = Get-Architecture -Space nb201 -Random $Count -Seed $Seed -Dataset $Dataset |
    Measure-ZeroCostProxy -Name $Proxy -Seed $Seed -WarningAction SilentlyContinue |
    Add-BenchmarkResult $bench
$scored | Measure-ProxyCorrelation -Property $properties -TopK ([math]::Min(50, $Count)) |
    Format-Table Proxy, Target, Count, Spearman, KendallTauB, TopKOverlap
$file = $scored | Export-NasPlot Scatter $SvgPath -X $properties[0] -Y TestAccuracy -PassThru
"Scatter of $($properties[0]) against $Dataset test accuracy: $($file.FullName)"
