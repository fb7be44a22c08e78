#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI
# Tests that read the shared reference data skip themselves when ../shared/data is not beside the repository.

BeforeDiscovery {
    $script:sharedData = Join-Path $PSScriptRoot '../../../shared/data'
    $script:hasData = Test-Path (Join-Path $script:sharedData 'nb201/nb201.csv')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../NasPS.psd1') -Force -ErrorAction Stop
    $script:data = Join-Path $PSScriptRoot '../../../shared/data'
}

AfterAll {
    Remove-Module NasPS -ErrorAction SilentlyContinue
}

Describe 'Scoring cmdlets' {
    It 'adds SedScore and passes the same objects on, in order' {
        $archs = Get-Architecture -Space nb201 -Random 20 -Seed 3
        $scored = $archs | Measure-SedScore
        $scored.Count | Should -Be 20
        $scored.Architecture | Should -Be $archs.Architecture
        $scored[0].SedScore | Should -BeOfType [double]
    }

    It 'keeps properties the user added' {
        $r = Get-Architecture -Space nb201 -Index 9930 | Add-Member -NotePropertyName Tag -NotePropertyValue 'mine' -PassThru | Measure-SedScore
        $r.Tag | Should -Be 'mine'
        $r.SedScore | Should -BeGreaterThan 0
    }

    It 'scores strings and Import-Csv rows too' {
        $arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
        $fromString = $arch | Measure-ZeroCostProxy sed          # the string itself, with a SedScore note property
        $fromRow = [pscustomobject]@{ Architecture = $arch } | Measure-ZeroCostProxy sed
        $fromString.SedScore | Should -BeGreaterThan 0
        $fromRow.SedScore | Should -Be $fromString.SedScore
    }

    It 'warns and keeps minus infinity for a disconnected cell' {
        $r = Get-Architecture -Space nb201 -Index 1651 | Measure-SedScore -WarningVariable warnings -WarningAction SilentlyContinue
        $r.SedScore | Should -Be ([double]::NegativeInfinity)
        $warnings.Count | Should -Be 1
    }

    It 'gives the same LogSynflow for the same seed, whatever the throttle' {
        $a = Get-Architecture -Space nb201 -Index 0, 1462, 9930 | Measure-LogSynflow -Seed 5
        $b = Get-Architecture -Space nb201 -Index 0, 1462, 9930 | Measure-LogSynflow -Seed 5 -ThrottleLimit 3
        $b.LogSynflow | Should -Be $a.LogSynflow
    }

    It 'averages -Inits initialisations instead of the protocol''s three' {
        $three = Get-Architecture -Space nb201 -Index 1835 | Measure-Synflow -Seed 5
        $one = Get-Architecture -Space nb201 -Index 1835 | Measure-Synflow -Seed 5 -Inits 1
        $again = Get-Architecture -Space nb201 -Index 1835 | Measure-Synflow -Seed 5 -Inits 1
        $one.Synflow | Should -Be $again.Synflow
        $one.Synflow | Should -Not -Be $three.Synflow
        { Get-Architecture -Space nb201 -Index 1835 | Measure-Synflow -Inits 0 } | Should -Throw
    }

    It 'scores NASWOT with Winograd or direct convolutions, equal but for rounding' {
        # Noise input of 128 images at the NB201 resolution (32 x 32): the official NASWOT protocol's batch.
        $batch = Get-InputBatch -Gaussian -Count 128 -Resolution 32 -Seed 4
        $winograd = Get-Architecture -Space nb201 -Index 5 | Measure-ZeroCostProxy naswot-official -InputBatch $batch
        $direct = Get-Architecture -Space nb201 -Index 5 | Measure-ZeroCostProxy naswot-official -InputBatch $batch -Convolution Direct
        $same = Get-Architecture -Space nb201 -Index 5 | Measure-ZeroCostProxy naswot-official -InputBatch $batch -Convolution Winograd
        $same.NaswotOfficial | Should -Be $winograd.NaswotOfficial
        [math]::Abs($winograd.NaswotOfficial - $direct.NaswotOfficial) | Should -BeLessOrEqual (1e-6 * [math]::Abs($direct.NaswotOfficial))
        { Get-Architecture -Space nb201 -Index 5 | Measure-Naswot -Convolution Fft } | Should -Throw
    }

    It 'rejects an unknown proxy name with a stable id' {
        { Get-Architecture -Space nb201 -Index 0 | Measure-ZeroCostProxy magic -ErrorAction Stop } | Should -Throw -ErrorId 'NasPS.UnknownProxy*'
    }

    It 'completes proxy names' {
        $line = 'Measure-ZeroCostProxy logs'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'logsynflow'
    }

    It 'makes a Gaussian input batch' {
        $b = Get-InputBatch -Gaussian -Count 4 -Resolution 16 -Seed 1
        $b.Count | Should -Be 4
        $b.Height | Should -Be 16
    }

    It 'reads a CIFAR-10 batch and correlates SED with accuracy' -Skip:(-not $script:hasData) {
        $batch = Get-InputBatch -Path (Join-Path $script:data 'cifar10/test_batch_first1017.bin') -Count 8 -Seed 2
        $batch.Count | Should -Be 8
        $bench = Import-NasBenchmark (Join-Path $script:data 'nb201/nb201.csv')
        $c = Get-Architecture -Space nb201 -Random 500 -Seed 1 | Measure-SedScore | Add-BenchmarkResult $bench | Measure-ProxyCorrelation SedScore
        $c.Count | Should -Be 500
        $c.Spearman | Should -BeGreaterThan 0.8
    }
}

Describe 'Search cmdlets' {
    It 'reproduces FreeREA on the cached values' -Skip:(-not $script:hasData) {
        $bench = Import-NasBenchmark (Join-Path $script:data 'nb201/nb201.csv')
        $r = Invoke-FreeReaSearch -Space nb201 -CachedProxyPath (Join-Path $script:data 'nb201/nb201_cached_proxies.csv') -Benchmark $bench -Seed 1
        $r.Best.TestAccuracy | Should -BeGreaterThan 94
        $r.History.Count | Should -BeGreaterThan 150
    }

    It 'writes no checkpoint under -WhatIf' -Skip:(-not $script:hasData) {
        $path = Join-Path ([IO.Path]::GetTempPath()) "nasps-$([guid]::NewGuid()).json"
        Invoke-CyclicSearch -Space nb201 -CachedProxyPath (Join-Path $script:data 'nb201/nb201_cached_proxies.csv') -CheckpointPath $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'resumes a checkpointed search to the same answer' -Skip:(-not $script:hasData) {
        $path = Join-Path ([IO.Path]::GetTempPath()) "nasps-$([guid]::NewGuid()).json"
        try {
            $cached = Join-Path $script:data 'nb201/nb201_cached_proxies.csv'
            $first = Invoke-FreeReaSearch -Space nb201 -CachedProxyPath $cached -CheckpointPath $path -Seed 4 -Confirm:$false
            Test-Path $path | Should -BeTrue
            $again = Invoke-FreeReaSearch -Space nb201 -CachedProxyPath $cached -CheckpointPath $path -Seed 4 -Resume -Confirm:$false
            $again.Best.Architecture | Should -Be $first.Best.Architecture
            { Invoke-FreeReaSearch -Space nb201 -CachedProxyPath $cached -CheckpointPath $path -Seed 4 -Resume -MaxParameters 5e5 -Confirm:$false } |
                Should -Throw -ErrorId 'NasPS.SearchFailed*'
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }

    It 'finds the best feasible architecture by SED in one call' {
        $r = Invoke-SedSearch -Space nb201 -MaxParameters 5e5
        $r.Best.Parameters | Should -BeLessOrEqual 500000
        $r.Algorithm | Should -Be 'Exhaustive'
    }
}
