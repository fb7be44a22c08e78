#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI
# Tests that read the shared reference data skip themselves when ../shared/data is not beside the repository.

BeforeDiscovery {
    $script:hasData = Test-Path (Join-Path $PSScriptRoot '../../../shared/data/nb201/nb201.csv')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../NasPS.psd1') -Force -ErrorAction Stop
    $script:data = Join-Path $PSScriptRoot '../../../shared/data'
    $script:best = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'

    # Five points with a known front (minimise Cost, maximise Quality): a, b, c.
    $script:points = @(
        [pscustomobject]@{ Name = 'a'; Cost = 1; Quality = 80 }
        [pscustomobject]@{ Name = 'b'; Cost = 2; Quality = 85 }
        [pscustomobject]@{ Name = 'c'; Cost = 3; Quality = 90 }
        [pscustomobject]@{ Name = 'd'; Cost = 2; Quality = 84 }
        [pscustomobject]@{ Name = 'e'; Cost = 4; Quality = 90 }
    )

    function script:Read-Svg([string] $Path) {
        $doc = [xml](Get-Content -LiteralPath $Path -Raw)
        $ns = [System.Xml.XmlNamespaceManager]::new($doc.NameTable)
        $ns.AddNamespace('s', 'http://www.w3.org/2000/svg')
        [pscustomobject]@{
            Title   = $doc.SelectSingleNode('/s:svg/s:title', $ns).InnerText
            Circles = $doc.SelectNodes('//s:circle', $ns).Count
            Front   = $doc.SelectNodes("//s:g[@class='front']/s:circle", $ns).Count
            Doc     = $doc
            Ns      = $ns
        }
    }

    # A tiny benchmark table: two architectures of NB201 with made-up accuracies.
    $script:tinyBench = Join-Path ([IO.Path]::GetTempPath()) "nasps-tiny-$([guid]::NewGuid()).csv"
    $archs = (Get-Architecture -Space nb201 -Index 0, 1).Architecture
    @(
        'index,arch,cifar10_test_acc,cifar100_test_acc,imagenet16_test_acc'
        "0,$($archs[0]),85.5,60.25,30"
        "1,$($archs[1]),93.5,70.5,44"
    ) | Set-Content -LiteralPath $script:tinyBench -Encoding utf8
}

AfterAll {
    Remove-Item -LiteralPath $script:tinyBench -ErrorAction SilentlyContinue
    Remove-Module NasPS -ErrorAction SilentlyContinue
}

Describe 'Select-ParetoFront' {
    It 'passes on exactly the non-dominated objects, in arrival order' {
        ($script:points | Select-ParetoFront Cost Quality).Name | Should -Be @('a', 'b', 'c')
    }

    It 'follows the directions it is given' {
        ($script:points | Select-ParetoFront -X Cost -Y Quality -XDirection Maximize -YDirection Minimize).Name | Should -Be @('a', 'd', 'e')
    }

    It 'keeps duplicates on the front' {
        $twins = @([pscustomobject]@{ N = 1; C = 1; Q = 5 }, [pscustomobject]@{ N = 2; C = 1; Q = 5 }, [pscustomobject]@{ N = 3; C = 2; Q = 4 })
        ($twins | Select-ParetoFront C Q).N | Should -Be @(1, 2)
    }

    It 'reads numeric strings, as Import-Csv gives them' {
        $rows = $script:points | ConvertTo-Csv | ConvertFrom-Csv
        ($rows | Select-ParetoFront Cost Quality).Name | Should -Be @('a', 'b', 'c')
    }

    It 'reports an object without the property and goes on' {
        $in = @($script:points) + [pscustomobject]@{ Name = 'x'; Cost = 0.5 }
        $front = $in | Select-ParetoFront Cost Quality -ErrorVariable errs -ErrorAction SilentlyContinue
        $front.Name | Should -Be @('a', 'b', 'c')
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.PropertyNotNumeric*'
        $errs[0].Exception.Message | Should -Match 'Quality'
    }

    It 'leaves out infinite values with one warning' {
        $in = @($script:points) + [pscustomobject]@{ Name = 'inf'; Cost = 0.1; Quality = [double]::PositiveInfinity }
        $front = $in | Select-ParetoFront Cost Quality -WarningVariable warnings -WarningAction SilentlyContinue
        $front.Name | Should -Be @('a', 'b', 'c')
        $warnings.Count | Should -Be 1
    }

    It 'completes score property names' {
        $line = 'Select-ParetoFront -X Parameters -Y SedS'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'SedScore'
    }

    It 'finds a size/score front no sampled architecture beats' {
        $sample = Get-Architecture -Space nb201 -Random 200 -Seed 1 | Measure-SedScore -WarningAction SilentlyContinue
        $front = $sample | Select-ParetoFront Parameters SedScore -WarningAction SilentlyContinue
        @($front).Count | Should -BeGreaterThan 0
        $finite = $sample | Where-Object { [double]::IsFinite($_.SedScore) }
        foreach ($f in $front) {
            $beaters = $finite | Where-Object {
                $_.Parameters -le $f.Parameters -and $_.SedScore -ge $f.SedScore -and ($_.Parameters -lt $f.Parameters -or $_.SedScore -gt $f.SedScore)
            }
            @($beaters).Count | Should -Be 0 -Because "$($f.Architecture) is on the front"
        }
    }
}

Describe 'Export-NasPlot' {
    It 'writes a scatter with rho and tau in the title and one point per object' {
        $path = Join-Path $TestDrive 'scatter.svg'
        $objs = 1..30 | ForEach-Object { [pscustomobject]@{ Architecture = "arch<$_>"; Score = $_; TestAccuracy = 100 - $_ } }
        $file = $objs | Export-NasPlot Scatter $path -X Score -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be (Get-Item -LiteralPath $path).FullName
        $svg = Read-Svg $path
        $svg.Title | Should -Match 'Spearman ρ = -1\b'
        $svg.Title | Should -Match 'Kendall τ = -1\b'
        $svg.Circles | Should -Be 30
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.svg'
        $script:points | Export-NasPlot Pareto $path -X Cost -Y Quality -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'highlights the Pareto front' {
        $path = Join-Path $TestDrive 'front.svg'
        $script:points | Export-NasPlot Pareto $path -X Cost -Y Quality
        $svg = Read-Svg $path
        $svg.Front | Should -Be 3
        $svg.Circles | Should -Be 5
    }

    It 'needs -X for a scatter' {
        { $script:points | Export-NasPlot Scatter (Join-Path $TestDrive 'nox.svg') -ErrorAction Stop } | Should -Throw -ErrorId 'NasPS.PropertyNotNumeric*'
    }

    It 'draws one search result only' {
        { $script:points | Export-NasPlot Progress (Join-Path $TestDrive 'p.svg') -ErrorAction Stop } | Should -Throw -ErrorId 'NasPS.NotASearchResult*'
    }

    It 'draws the progress of a search, live and deserialized alike' -Skip:(-not $script:hasData) {
        $bench = Import-NasBenchmark (Join-Path $script:data 'nb201/nb201.csv')
        $r = Invoke-FreeReaSearch -Space nb201 -CachedProxyPath (Join-Path $script:data 'nb201/nb201_cached_proxies.csv') -Benchmark $bench -Seed 2
        $live = Join-Path $TestDrive 'live.svg'
        $r | Export-NasPlot Progress $live
        $svg = Read-Svg $live
        $svg.Title | Should -Match 'FreeREA on NasBench201 \(cifar10\), seed 2'
        $svg.Title | Should -Match ('answer {0:F2} %' -f $r.Best.TestAccuracy).Replace(',', '.')

        $xml = Join-Path $TestDrive 'r.xml'
        $r | Export-Clixml -LiteralPath $xml
        $back = Join-Path $TestDrive 'back.svg'
        Import-Clixml -LiteralPath $xml | Export-NasPlot Progress $back
        Get-Content -LiteralPath $back -Raw | Should -BeExactly (Get-Content -LiteralPath $live -Raw)
    }
}

Describe 'Export-SearchResult' {
    It 'writes JSON and CSV that read back' -Skip:(-not $script:hasData) {
        $r = Invoke-FreeReaSearch -Space nb201 -CachedProxyPath (Join-Path $script:data 'nb201/nb201_cached_proxies.csv') -Seed 3
        $json = Join-Path $TestDrive 'r.json'
        $csv = Join-Path $TestDrive 'r.csv'
        $r | Export-SearchResult $json
        $r | Export-SearchResult $csv -PassThru | Should -BeOfType ([System.IO.FileInfo])
        $j = Get-Content -LiteralPath $json -Raw | ConvertFrom-Json
        $j.best.arch | Should -Be $r.Best.Architecture
        $j.history.Count | Should -Be $r.History.Count
        $rows = Import-Csv -LiteralPath $csv
        $rows.Count | Should -Be $r.History.Count
        ($rows | Where-Object is_best -EQ 'true').arch | Should -Be $r.Best.Architecture
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.json'
        Invoke-SedSearch -Space nb201 -MaxParameters 5e5 | Export-SearchResult $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'reports objects that are not search results and writes no file for them' {
        $path = Join-Path $TestDrive 'none.json'
        [pscustomobject]@{ Name = 'x' } | Export-SearchResult $path -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.NotASearchResult*'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'writes a finished SED search as CSV with one row per architecture' {
        $path = Join-Path $TestDrive 'sed.csv'
        $r = Invoke-SedSearch -Space nb201 -MaxParameters 5e5
        $r | Export-SearchResult $path
        (Import-Csv -LiteralPath $path).Count | Should -Be $r.History.Count
    }
}

Describe 'Get-BenchmarkResult' {
    BeforeAll {
        $script:bench = Import-NasBenchmark $script:tinyBench
    }

    It 'looks up indices with the chosen dataset' {
        $r = Get-BenchmarkResult $script:bench -Index 1 -Dataset cifar100
        $r.TestAccuracy | Should -Be 70.5
        $r.Values['imagenet16_test_acc'] | Should -Be 44
        $r.Dataset | Should -Be 'cifar100'
    }

    It 'agrees with Add-BenchmarkResult for piped architectures' {
        $archs = Get-Architecture -Space nb201 -Index 0, 1
        (Get-BenchmarkResult $script:bench -InputObject $archs[0]).TestAccuracy | Should -Be 85.5
        ($archs | Get-BenchmarkResult $script:bench).TestAccuracy | Should -Be ($archs | Add-BenchmarkResult $script:bench).TestAccuracy
    }

    It 'reports architectures and indices the table lacks, and goes on' {
        $r = Get-Architecture -Space nb201 -Index 2, 1 | Get-BenchmarkResult $script:bench -ErrorVariable errs -ErrorAction SilentlyContinue
        @($r).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.NotInBenchmark*'
        $null = Get-BenchmarkResult $script:bench -Index 5 -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.IndexOutOfRange*'
    }

    It 'has a table view' {
        Get-BenchmarkResult $script:bench -Index 0 | Format-Table | Out-String | Should -Match '85\D50'
    }
}

Describe 'Help for the reporting cmdlets' {
    It 'documents <_> with examples' -ForEach @('Select-ParetoFront', 'Export-NasPlot', 'Export-SearchResult', 'Get-BenchmarkResult') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'ships the about_NasPS_Proxies topic' {
        Get-Help about_NasPS_Proxies | Out-String | Should -Match 'logsynflow'
    }
}
