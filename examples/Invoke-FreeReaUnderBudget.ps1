#Requires -Version 7.6
<#
.SYNOPSIS
    Runs FreeREA under a parameter budget, several seeds, summarises the answers, and keeps each run's history.
.DESCRIPTION
    With -CachedProxyPath the proxies come from FreeREA's cached NB201 table (seconds per run, machine-independent);
    without it they are computed live on noise or on -ImagePath images within -Budget. With -OutDirectory each run's
    answer and history go to run-SEED.json and the first run's progress to progress.svg.
.EXAMPLE
    ./examples/Invoke-FreeReaUnderBudget.ps1 -MaxParameters 8e5 -CachedProxyPath ../shared/data/nb201/nb201_cached_proxies.csv -BenchmarkPath ../shared/data/nb201/nb201.csv -OutDirectory ./runs
.EXAMPLE
    ./examples/Invoke-FreeReaUnderBudget.ps1 -MaxParameters 5e5 -Runs 1 -Budget 00:00:20
#>
param(
    [long] $MaxParameters = 1e6,
    [int] $Runs = 5,
    [timespan] $Budget = (New-TimeSpan -Seconds 45),
    [string] $CachedProxyPath,
    [string] $BenchmarkPath,
    [string] $ImagePath,
    [string] $OutDirectory
)
Import-Module (Join-Path $PSScriptRoot '../NasPS.psd1') -ErrorAction Stop

$common = @{ Space = 'nb201'; MaxParameters = $MaxParameters; Budget = $Budget }
if ($CachedProxyPath) { $common.CachedProxyPath = $CachedProxyPath }
if ($BenchmarkPath) { $common.Benchmark = Import-NasBenchmark $BenchmarkPath }
if ($ImagePath) { $common.InputBatch = Get-InputBatch -Path $ImagePath -Count 64 -Seed 3 -Augment }

$results = 1..$Runs | ForEach-Object { Invoke-FreeReaSearch @common -Seed $_ }
$results | ForEach-Object {
    [pscustomobject]@{
        Seed         = $_.Seed
        Index        = $_.Best.Index
        Parameters   = $_.Best.Parameters
        TestAccuracy = $_.Best.TestAccuracy
        Visited      = $_.History.Count
        Elapsed      = $_.Elapsed
    }
} | Format-Table
if ($BenchmarkPath) {
    $results.Best.TestAccuracy | Measure-Object -Average -Minimum -Maximum | Format-List Average, Minimum, Maximum
}
if ($OutDirectory) {
    New-Item -ItemType Directory -Force $OutDirectory | Out-Null
    $results | ForEach-Object { $_ | Export-SearchResult (Join-Path $OutDirectory "run-$($_.Seed).json") -Confirm:$false }
    $results[0] | Export-NasPlot Progress (Join-Path $OutDirectory 'progress.svg') -Confirm:$false
    "Histories and progress.svg written to $OutDirectory"
}
