#Requires -Version 7.6
<#
.SYNOPSIS
    Scores a seeded random sample of NAS-Bench-201 and shows the top five.
.EXAMPLE
    ./examples/Score-RandomSample.ps1 -Count 200 -Proxy sed, logsynflow
#>
param(
    [int] $Count = 100,
    [long] $Seed = 1,
    [string[]] $Proxy = @('sed', 'logsynflow'),
    # Optional CIFAR binary file for proxies that read images (NASWOT, SWAP); noise is used without it.
    [string] $ImagePath
)
Import-Module (Join-Path $PSScriptRoot '../NasPS.psd1') -ErrorAction Stop

$batch = if ($ImagePath) { Get-InputBatch -Path $ImagePath -Count 64 -Seed $Seed } else { $null }
$first = [NasPS.Proxies.ProxyPropertyNames]::For($Proxy[0])
New-SearchSpace NasBench201 |
    Get-Architecture -Random $Count -Seed $Seed |
    Measure-ZeroCostProxy -Name $Proxy -InputBatch $batch -Seed $Seed |
    Sort-Object $first -Descending |
    Select-Object -First 5 |
    Format-Table Index, Architecture, Parameters, $first
