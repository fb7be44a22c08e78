@{
    RootModule           = 'module/bin/NasPS.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0e8b52-4c1a-4d8e-9a57-2b1f3c7d9e41'
    Author               = 'NasPS developers'
    CompanyName          = 'NasPS'
    Copyright            = '(c) NasPS developers. All rights reserved.'
    Description          = 'Training-free neural architecture search: search spaces, zero-cost proxies and searches as PowerShell cmdlets.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/NasPS.Format.ps1xml')
    TypesToProcess       = @('module/NasPS.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-BenchmarkResult'
        'Export-NasPlot'
        'Export-Network'
        'Export-SearchResult'
        'Get-Architecture'
        'Get-BenchmarkResult'
        'Get-InputBatch'
        'Import-NasBenchmark'
        'Invoke-CyclicSearch'
        'Invoke-FreeReaSearch'
        'Invoke-RandomSearch'
        'Invoke-SedSearch'
        'Invoke-SwapNasSearch'
        'Measure-EntropicScore'
        'Measure-LogSynflow'
        'Measure-Naswot'
        'Measure-ProxyCorrelation'
        'Measure-SedScore'
        'Measure-SwapScore'
        'Measure-Synflow'
        'Measure-ZeroCostProxy'
        'New-SearchSpace'
        'Select-ParetoFront'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('NAS', 'NeuralArchitectureSearch', 'ZeroCostProxy', 'MachineLearning')
        }
    }
}
