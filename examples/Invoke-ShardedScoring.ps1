#Requires -Version 7.6
<#
.SYNOPSIS
    Scores all 15,625 NAS-Bench-201 architectures split over local runspaces (or remote machines) with -Shard, then merges.
.DESCRIPTION
    Locally, each shard runs in its own runspace (ForEach-Object -Parallel); with -ComputerName, each machine scores one
    shard through Invoke-Command (NasPS must be at the same path there). Shards count from 0 and are disjoint, so the
    merged table has every architecture exactly once.
.EXAMPLE
    ./examples/Invoke-ShardedScoring.ps1 -ShardCount 2 -Proxy sed -OutFile nb201-sed.csv
.EXAMPLE
    ./examples/Invoke-ShardedScoring.ps1 -ComputerName nas1, nas2 -Proxy logsynflow -OutFile nb201-logsynflow.csv
#>
param(
    [int] $ShardCount = 2,
    [string[]] $ComputerName,
    [string[]] $Proxy = @('sed'),
    [Parameter(Mandatory)] [string] $OutFile
)
$module = (Resolve-Path (Join-Path $PSScriptRoot '../NasPS.psd1')).Path
Import-Module $module -ErrorAction Stop   # for the property names below; each worker imports it itself
$results = if ($ComputerName) {
    $count = $ComputerName.Count
    Invoke-Command -ComputerName $ComputerName -ScriptBlock {
        param($module, $names, $count, $proxy)
        $shard = [array]::IndexOf($names, $env:COMPUTERNAME)
        Import-Module $module -ErrorAction Stop
        Get-Architecture -Space nb201 -All -Shard $shard -ShardCount $count | Measure-ZeroCostProxy -Name $proxy -WarningAction SilentlyContinue
    } -ArgumentList $module, $ComputerName, $count, $Proxy
} else {
    0..($ShardCount - 1) | ForEach-Object -ThrottleLimit $ShardCount -Parallel {
        Import-Module $using:module -ErrorAction Stop
        Get-Architecture -Space nb201 -All -Shard $_ -ShardCount $using:ShardCount |
            Measure-ZeroCostProxy -Name $using:Proxy -WarningAction SilentlyContinue
    }
}
$properties = @('Index', 'Architecture', 'Parameters', 'Flops') + ($Proxy | ForEach-Object { [NasPS.Proxies.ProxyPropertyNames]::For($_) })
$results | Sort-Object Index | Select-Object $properties | Export-Csv $OutFile -NoTypeInformation
"$(@($results).Count) architectures written to $OutFile"
