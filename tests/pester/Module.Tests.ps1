#Requires -Version 7.6
# Pester 5. Run from the repository root after ./build.sh:  Invoke-Pester ./tests/pester -CI

BeforeAll {
    $script:manifestPath = Join-Path $PSScriptRoot '../../NasPS.psd1'
    Import-Module $script:manifestPath -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module NasPS -ErrorAction SilentlyContinue
}

Describe 'The NasPS module' {
    It 'has a valid manifest for PowerShell 7.6 Core' {
        $manifest = Test-ModuleManifest -Path $script:manifestPath -ErrorAction Stop
        $manifest.PowerShellVersion | Should -Be ([version]'7.6')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $listed = (Import-PowerShellDataFile $script:manifestPath).CmdletsToExport | Sort-Object
        $exported = (Get-Command -Module NasPS -CommandType Cmdlet).Name | Sort-Object
        $exported | Should -Be $listed
    }

    It 'exports no functions and no aliases' {
        Get-Command -Module NasPS -CommandType Function | Should -BeNullOrEmpty
        Get-Command -Module NasPS -CommandType Alias | Should -BeNullOrEmpty
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($command in Get-Command -Module NasPS) {
            $approved | Should -Contain $command.Verb -Because "$($command.Name) must use an approved verb"
        }
    }

    It 'has help with a synopsis and examples for <_>' -ForEach @('New-SearchSpace', 'Get-Architecture') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*Get-Architecture \[' # not the auto-generated syntax stub
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'ships the about_NasPS topic' {
        Get-Help about_NasPS | Out-String | Should -Match 'Training-free neural architecture search'
    }
}
