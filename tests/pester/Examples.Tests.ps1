#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI
# Runs every script in examples/ as a user would, with small budgets. Those that read the shared reference data skip
# themselves when ../shared/data is not beside the repository.

BeforeDiscovery {
    $script:hasData = Test-Path (Join-Path $PSScriptRoot '../../../shared/data/nb201/nb201.csv')
}

BeforeAll {
    $script:examples = Join-Path $PSScriptRoot '../../examples'
    $script:data = Join-Path $PSScriptRoot '../../../shared/data'
    $script:benchPath = Join-Path $script:data 'nb201/nb201.csv'
    $script:cachedPath = Join-Path $script:data 'nb201/nb201_cached_proxies.csv'
    Import-Module (Join-Path $PSScriptRoot '../../NasPS.psd1') -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module NasPS -ErrorAction SilentlyContinue
}

Describe 'examples/Score-RandomSample.ps1' {
    It 'shows the top five of a scored sample' {
        $out = & (Join-Path $script:examples 'Score-RandomSample.ps1') -Count 12 -Proxy sed -Seed 2 | Out-String -Width 300
        $out | Should -Match 'SedScore'
        @($out -split "`n" | Where-Object { $_ -match '\|\+\|' }).Count | Should -Be 5
    }
}

Describe 'examples/Measure-Correlation.ps1' {
    It 'prints the correlation and writes the scatter SVG' -Skip:(-not $script:hasData) {
        $svg = Join-Path $TestDrive 'corr.svg'
        $out = & (Join-Path $script:examples 'Measure-Correlation.ps1') -BenchmarkPath $script:benchPath -Count 60 -SvgPath $svg | Out-String -Width 300
        $out | Should -Match 'SedScore'
        Test-Path -LiteralPath $svg | Should -BeTrue
        ([xml](Get-Content -LiteralPath $svg -Raw)).svg.title | Should -Match 'Spearman ρ = '
    }
}

Describe 'examples/Invoke-FreeReaUnderBudget.ps1' {
    It 'runs FreeREA under a parameter budget and keeps the history' -Skip:(-not $script:hasData) {
        $dir = Join-Path $TestDrive 'runs'
        $null = & (Join-Path $script:examples 'Invoke-FreeReaUnderBudget.ps1') -Runs 1 -MaxParameters 8e5 -CachedProxyPath $script:cachedPath -BenchmarkPath $script:benchPath -OutDirectory $dir
        $run = Get-Content -LiteralPath (Join-Path $dir 'run-1.json') -Raw | ConvertFrom-Json
        $run.best.params | Should -BeLessOrEqual 800000
        $run.history.Count | Should -BeGreaterThan 0
        Test-Path -LiteralPath (Join-Path $dir 'progress.svg') | Should -BeTrue
    }
}

Describe 'examples/Register-NightlySearch.ps1' {
    It 'writes nothing under -WhatIf' {
        $dir = Join-Path $TestDrive 'whatif-night'
        & (Join-Path $script:examples 'Register-NightlySearch.ps1') -WorkDirectory $dir -SkipRegistration -WhatIf
        Test-Path -LiteralPath $dir | Should -BeFalse
    }

    It 'writes a runner that checkpoints, then resumes to the same answer' -Skip:(-not $script:hasData) {
        $dir = Join-Path $TestDrive 'night'
        & (Join-Path $script:examples 'Register-NightlySearch.ps1') -WorkDirectory $dir -SkipRegistration -Budget '00:00:20' -CachedProxyPath $script:cachedPath -Confirm:$false
        $runner = Join-Path $dir 'nightly-search.ps1'
        Test-Path -LiteralPath $runner | Should -BeTrue
        & $runner
        Test-Path -LiteralPath (Join-Path $dir 'cyclic.checkpoint.json') | Should -BeTrue
        $first = (Import-Csv -LiteralPath (Join-Path $dir 'history.csv') | Where-Object is_best -EQ 'true').arch
        & $runner    # the second night finds the checkpoint and resumes
        $second = (Import-Csv -LiteralPath (Join-Path $dir 'history.csv') | Where-Object is_best -EQ 'true').arch
        $second | Should -Be $first
        @(Get-ChildItem -LiteralPath $dir -Filter 'result-*.xml').Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'examples/Invoke-ShardedScoring.ps1' {
    It 'scores the whole space over two runspaces and merges every architecture once' {
        $csv = Join-Path $TestDrive 'sharded.csv'
        $null = & (Join-Path $script:examples 'Invoke-ShardedScoring.ps1') -ShardCount 2 -Proxy sed -OutFile $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows.Count | Should -Be 15625
        ($rows.Index | Sort-Object -Unique).Count | Should -Be 15625
        $rows[0].PSObject.Properties.Name | Should -Contain 'SedScore'
    }
}
