#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../NasPS.psd1') -Force -ErrorAction Stop
    $script:best = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
}

AfterAll {
    Remove-Module NasPS -ErrorAction SilentlyContinue
}

Describe 'New-SearchSpace' {
    It 'describes NasBench201' {
        $space = New-SearchSpace NasBench201
        $space.Name | Should -Be 'NasBench201'
        $space.Count | Should -Be 15625
        $space.HasOfficialIndex | Should -BeTrue
    }

    It 'accepts aliases and several names' {
        (New-SearchSpace nb201, nats-sss).Name | Should -Be @('NasBench201', 'NatsSize')
    }

    It 'reports an unknown space as a non-terminating error with a stable id' {
        $result = New-SearchSpace nb301, nb201 -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Name | Should -Be 'NasBench201'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.UnknownSearchSpace*'
    }

    It 'sets the HybridEdge resolution and classes, which survive serialization' {
        $space = New-SearchSpace HybridEdge -Resolution 112 -Classes 10
        $space.Name | Should -Be 'HybridEdge'
        $space.Resolution | Should -Be 112
        $space.Classes | Should -Be 10
        $arch = 'stem16|mb3:d1:w16:e2|mb3:d1:w32:e2|attn:d1:w64:e2:h2:m2|attn:d1:w96:e2:h2:m2|head512'
        $direct = Get-Architecture -Space $space -Architecture $arch
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($space))
        (Get-Architecture -Space $copy -Architecture $arch).Flops | Should -Be $direct.Flops
        $direct.Flops | Should -BeLessThan (Get-Architecture -Space hybrid -Architecture $arch).Flops
    }

    It 'scores HybridEdge records at their own resolution, also after serialization' {
        $space = New-SearchSpace HybridEdge -Resolution 64 -Classes 10
        $arch = 'stem16|mb3:d1:w16:e2|mb3:d1:w32:e2|attn:d1:w64:e2:h2:m2|attn:d1:w96:e2:h2:m2|head512'
        $record = Get-Architecture -Space $space -Architecture $arch
        $record.Resolution | Should -Be 64
        $record.Classes | Should -Be 10
        $at64 = ($record | Measure-SedScore).SedScore
        $at224 = (Get-Architecture -Space hybrid -Architecture $arch | Measure-SedScore).SedScore
        $at64 | Should -Not -Be $at224   # attention over 4x fewer tokens
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($record))
        ($copy | Measure-SedScore).SedScore | Should -Be $at64
    }

    It 'rejects -Resolution for a space that takes it from its dataset' {
        $result = New-SearchSpace nb201 -Resolution 64 -ErrorVariable errs -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.SpaceTakesNoSetting*'
    }

    It 'completes space names' {
        $completions = TabExpansion2 -inputScript 'New-SearchSpace nas' -cursorColumn 19  # NasBench201 and NasBench101
        $completions.CompletionMatches.CompletionText | Should -Contain 'NasBench201'
    }
}

Describe 'Get-Architecture' {
    It 'draws a seeded sample of distinct architectures from a piped space' {
        $a = New-SearchSpace NasBench201 | Get-Architecture -Random 20 -Seed 1
        $b = New-SearchSpace NasBench201 | Get-Architecture -Random 20 -Seed 1
        $a.Count | Should -Be 20
        ($a.Architecture | Sort-Object -Unique).Count | Should -Be 20
        $a.Architecture | Should -Be $b.Architecture
    }

    It 'looks up official indices with their costs' {
        $r = Get-Architecture -Space nb201 -Index 0, 1462
        $r[0].Flops | Should -Be 15647370
        $r[1].Parameters | Should -Be 1531546
        $r[1].Dataset | Should -Be 'cifar10'
    }

    It 'costs the classifier of the chosen dataset' {
        (Get-Architecture -Space nb201 -Index 0 -Dataset cifar100).Parameters | Should -Be 135156
        (Get-Architecture -Space nb201 -Index 0 -Dataset imagenet16).Flops | Should -Be 3919480
    }

    It 'parses strings from the pipeline, inferring the space' {
        $r = $script:best | Get-Architecture
        $r.Space | Should -Be 'NasBench201'
        $r.Index | Should -Be 9930
    }

    It 'binds objects by their Architecture property' {
        $r = [pscustomobject]@{ Architecture = $script:best } | Get-Architecture -Space nb201
        $r.Index | Should -Be 9930
    }

    It 're-reads its own output by property name' {
        $again = Get-Architecture -Space nb201 -Index 123 | Get-Architecture
        $again.Index | Should -Be 123
    }

    It 'keeps going after a bad string and says what is wrong' {
        $r = '|nor_conv_3x3~0|+|bad~0|none~1|+|none~0|none~1|none~2|', $script:best |
            Get-Architecture -Space nb201 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Index | Should -Be 9930
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.InvalidArchitecture*'
        $errs[0].Exception.Message | Should -Match 'bad'
    }

    It 'reports an out-of-range index without stopping' {
        $r = Get-Architecture -Space nb201 -Index 15625, 0 -ErrorVariable errs -ErrorAction SilentlyContinue
        @($r).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.IndexOutOfRange*'
    }

    It 'rejects an unknown dataset at binding' {
        { Get-Architecture -Space nb201 -Index 0 -Dataset mnist } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'splits the whole space into disjoint shards' {
        $shards = 0..2 | ForEach-Object { Get-Architecture -Space nb201 -All -Shard $_ -ShardCount 3 }
        $shards.Count | Should -Be 15625
        ($shards.Hash | Sort-Object -Unique).Count | Should -Be 15625
    }

    It 'produces objects that survive serialization with their format view' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "nasps-$([guid]::NewGuid()).xml"
        try {
            Get-Architecture -Space nb201 -Index 9930 | Export-Clixml $path
            $back = Import-Clixml $path
            $back.Architecture | Should -Be $script:best
            $back.pstypenames | Should -Contain 'Deserialized.NasPS.Spaces.ArchitectureRecord'
            ($back | Format-Table | Out-String) | Should -Match '1\D?288\D?506'   # N0 with the culture's group separator
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }

    It 'converts to JSON with the flat properties' {
        $json = Get-Architecture -Space nb201 -Index 0 | ConvertTo-Json | ConvertFrom-Json
        $json.Index | Should -Be 0
        $json.Parameters | Should -Be 129306
    }
}
