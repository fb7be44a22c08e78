#Requires -Version 7.6
<#
.SYNOPSIS
    Scores all 15,625 NAS-Bench-201 architectures split over local jobs (or remote machines) with -Shard, then merges.
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
Import-Module $module -ErrorAction Stop   # for the property names below; the workers import it themselves
$work = {
    param($module, $shard, $count, $proxy)
    Import-Module $module -ErrorAction Stop
    Get-Architecture -Space nb201 -All -Shard $shard -ShardCount $count | Measure-ZeroCostProxy -Name $proxy
}
$results = if ($ComputerName) {
    # Remote machines need NasPS at the same path; each takes one shard.
    $count = $ComputerName.Count
    Invoke-Command -ComputerName $ComputerName -ScriptBlock {
        param($module, $names, $count, $proxy)
        $shard = [array]::IndexOf($names, $env:COMPUTERNAME)
        Import-Module $module -ErrorAction Stop
        Get-Architecture -Space nb201 -All -Shard $shard -ShardCount $count | Measure-ZeroCostProxy -Name $proxy
    } -ArgumentList $module, $ComputerName, $count, $Proxy
} else {
    $jobs = 0..($ShardCount - 1) | ForEach-Object { Start-Job -ScriptBlock $work -ArgumentList $module, $_, $ShardCount, $Proxy }
    $jobs | Receive-Job -Wait -AutoRemoveJob
}
$properties = @('Index', 'Architecture', 'Parameters', 'Flops') + ($Proxy | ForEach-Object { [NasPS.Proxies.ProxyPropertyNames]::For($_) })
$results | Sort-Object Index | Select-Object $properties | Export-Csv $OutFile -NoTypeInformation
"$(@($results).Count) architectures written to $OutFile"
