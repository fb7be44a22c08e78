#Requires -Version 7.6
<#
.SYNOPSIS
    Registers a nightly Windows scheduled task that runs a cyclic search with a checkpoint, resuming where the last night stopped.
.DESCRIPTION
    Writes nightly-search.ps1 into -WorkDirectory, then registers a task that runs `pwsh -File` on it every night.
    Each night the runner resumes the checkpoint if one exists, or starts the search; an interrupted night loses
    nothing, and a finished search resumes to the same answer at once. Registration needs Windows (ScheduledTasks
    module); with -SkipRegistration only the runner is written (run it from cron or by hand on other systems).
.EXAMPLE
    ./examples/Register-NightlySearch.ps1 -WorkDirectory C:\nas\run1 -At 01:00
.EXAMPLE
    ./examples/Register-NightlySearch.ps1 -WorkDirectory ./night -SkipRegistration -Budget 00:00:30 -CachedProxyPath ../shared/data/nb201/nb201_cached_proxies.csv
    pwsh -File ./night/nightly-search.ps1
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [datetime] $At = '01:00',
    [long] $MaxParameters = 1e6,
    [timespan] $Budget = (New-TimeSpan -Hours 6),
    # FreeREA's cached NB201 values instead of live proxies (a quick, machine-independent run).
    [string] $CachedProxyPath,
    [switch] $SkipRegistration
)
$module = (Resolve-Path (Join-Path $PSScriptRoot '../NasPS.psd1')).Path
$WorkDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($WorkDirectory)
$runner = Join-Path $WorkDirectory 'nightly-search.ps1'
$checkpoint = Join-Path $WorkDirectory 'cyclic.checkpoint.json'
$cached = if ($CachedProxyPath) { "-CachedProxyPath '$((Resolve-Path $CachedProxyPath).Path)'" } else { '' }

# The runner is the search itself; writing it is part of setting the task up, so it is subject to -WhatIf too.
if ($PSCmdlet.ShouldProcess($runner, 'Write the nightly runner script')) {
    New-Item -ItemType Directory -Force $WorkDirectory | Out-Null
    @"
Import-Module '$module' -ErrorAction Stop
`$resume = Test-Path '$checkpoint'
`$result = Invoke-CyclicSearch -Space NasBench201 -MaxParameters $MaxParameters -Budget ([timespan]'$Budget') $cached ``
    -CheckpointPath '$checkpoint' -Resume:`$resume -Seed 1 -Confirm:`$false
`$result | Export-Clixml (Join-Path '$WorkDirectory' "result-`$(Get-Date -Format yyyyMMdd).xml")
`$result | Export-SearchResult (Join-Path '$WorkDirectory' 'history.csv') -Confirm:`$false
"@ | Set-Content -Path $runner -Encoding utf8
}

if (-not $SkipRegistration -and $PSCmdlet.ShouldProcess('NasPS nightly search', 'Register scheduled task')) {
    $action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument "-NoProfile -NonInteractive -File `"$runner`""
    $trigger = New-ScheduledTaskTrigger -Daily -At $At
    Register-ScheduledTask -TaskName 'NasPS nightly search' -Action $action -Trigger $trigger -Description 'Cyclic NAS search with checkpoint/resume' -Force
}
