#Requires -Version 7.6
<#
.SYNOPSIS
    Registers a nightly Windows scheduled task that runs a cyclic search with a checkpoint, resuming where the last night stopped.
.DESCRIPTION
    The task runs pwsh -File on the script below (written next to the checkpoint). Each night it resumes the checkpoint if
    one exists, or starts the search; an interrupted night loses nothing. Windows only (ScheduledTasks module).
.EXAMPLE
    ./examples/Register-NightlySearch.ps1 -WorkDirectory C:\nas\run1 -At 01:00
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [datetime] $At = '01:00',
    [long] $MaxParameters = 1e6,
    [timespan] $Budget = (New-TimeSpan -Hours 6)
)
$module = Resolve-Path (Join-Path $PSScriptRoot '../NasPS.psd1')
New-Item -ItemType Directory -Force $WorkDirectory | Out-Null
$runner = Join-Path $WorkDirectory 'nightly-search.ps1'
$checkpoint = Join-Path $WorkDirectory 'cyclic.checkpoint.json'
@"
Import-Module '$module' -ErrorAction Stop
`$resume = Test-Path '$checkpoint'
`$result = Invoke-CyclicSearch -Space NasBench201 -MaxParameters $MaxParameters -Budget ([timespan]'$Budget') ``
    -CheckpointPath '$checkpoint' -Resume:`$resume -Seed 1 -Confirm:`$false
`$result | Export-Clixml (Join-Path '$WorkDirectory' "result-`$(Get-Date -Format yyyyMMdd).xml")
`$result.History | Export-Csv (Join-Path '$WorkDirectory' 'history.csv') -NoTypeInformation
"@ | Set-Content -Path $runner -Encoding utf8

if ($PSCmdlet.ShouldProcess('NasPS nightly search', 'Register scheduled task')) {
    $action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument "-NoProfile -NonInteractive -File `"$runner`""
    $trigger = New-ScheduledTaskTrigger -Daily -At $At
    Register-ScheduledTask -TaskName 'NasPS nightly search' -Action $action -Trigger $trigger -Description 'Cyclic NAS search with checkpoint/resume' -Force
}
