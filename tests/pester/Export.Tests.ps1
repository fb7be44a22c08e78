#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI
# Export-Network: initialised networks as safetensors (the twin of nasps weights / nasps export).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../NasPS.psd1') -Force -ErrorAction Stop
    $script:hybrid = 'stem16|mb3se:d1:w16:e2|mb5:d1:w32:e2|attn_dw:d1:w64:e2:h2:m2|attn:d1:w96:e2:h2:m2|head512'

    # The JSON header of a safetensors file (8-byte little-endian length, then the header).
    function script:Read-SafeTensorsHeader([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $length = [BitConverter]::ToInt64($bytes, 0)
        [Text.Encoding]::UTF8.GetString($bytes, 8, $length) | ConvertFrom-Json -AsHashtable
    }
}

Describe 'Export-Network' {
    It 'writes NB201 weights under the official names, the same bytes for the same seed' {
        $a = Join-Path $TestDrive 'a.safetensors'
        $b = Join-Path $TestDrive 'b.safetensors'
        Get-Architecture -Space nb201 -Index 1835 | Export-Network $a -Seed 7 -Initialization kaiming-fan-out
        $file = Get-Architecture -Space nb201 -Index 1835 | Export-Network $b -Seed 7 -Initialization kaiming-fan-out -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        (Get-FileHash -LiteralPath $a).Hash | Should -Be (Get-FileHash -LiteralPath $b).Hash
        $header = Read-SafeTensorsHeader $a
        $header.Keys | Should -Contain 'cells.5.conv_a.op.2.running_var'
        $header['__metadata__']['init'] | Should -Be 'kaiming-fan-out'
    }

    It 'sizes the classifier for -Dataset' {
        $path = Join-Path $TestDrive 'c100.safetensors'
        Get-Architecture -Space nb201 -Index 0 | Export-Network $path -Dataset cifar100
        (Read-SafeTensorsHeader $path)['classifier.weight']['shape'][0] | Should -Be 100
    }

    It 'writes a HybridEdge model and its JSON description at the space''s resolution' {
        $space = New-SearchSpace HybridEdge -Resolution 64 -Classes 10
        $files = Get-Architecture -Space $space -Architecture $script:hybrid | Export-Network (Join-Path $TestDrive 'm.safetensors') -PassThru
        $files.Name | Should -Be @('m.safetensors', 'm.json')
        $description = Get-Content -LiteralPath (Join-Path $TestDrive 'm.json') -Raw | ConvertFrom-Json
        $description.resolution | Should -Be 64
        $description.classes | Should -Be 10
    }

    It 'writes one file per architecture into a folder, named by index, and nothing under -WhatIf' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'w')
        Get-Architecture -Space nb201 -Index 0, 1 | Export-Network $dir.FullName -WhatIf
        @(Get-ChildItem -LiteralPath $dir.FullName).Count | Should -Be 0
        Get-Architecture -Space nb201 -Index 0, 1 | Export-Network $dir.FullName
        (Get-ChildItem -LiteralPath $dir.FullName).Name | Sort-Object | Should -Be @('0.safetensors', '1.safetensors')
    }

    It 'reports a bad architecture and a second architecture for the same file, and goes on' {
        $path = Join-Path $TestDrive 'one.safetensors'
        'not-an-architecture', (Get-Architecture -Space nb201 -Index 0), (Get-Architecture -Space nb201 -Index 1) |
            Export-Network $path -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NasPS.InvalidArchitecture*'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'NasPS.CannotWriteFile*'
        Test-Path -LiteralPath $path | Should -BeTrue
    }

    It 'is documented with examples' {
        $help = Get-Help Export-Network -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
