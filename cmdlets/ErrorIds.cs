namespace NasPS.Cmdlets;

/// <summary>Stable error ids: scripts match on these (`$_.FullyQualifiedErrorId -like 'NasPS.InvalidArchitecture*'`), so they never change.</summary>
public static class ErrorIds
{
    public const string UnknownSearchSpace = "NasPS.UnknownSearchSpace";
    public const string SpaceTakesNoSetting = "NasPS.SpaceTakesNoSetting";
    public const string UnknownDataset = "NasPS.UnknownDataset";
    public const string InvalidArchitecture = "NasPS.InvalidArchitecture";
    public const string IndexOutOfRange = "NasPS.IndexOutOfRange";
    public const string InvalidShard = "NasPS.InvalidShard";
    public const string InvalidSampleSize = "NasPS.InvalidSampleSize";
    public const string NotEnumerable = "NasPS.NotEnumerable";
    public const string UnknownProxy = "NasPS.UnknownProxy";
    public const string ProxyNotSupported = "NasPS.ProxyNotSupported";
    public const string NotAnArchitecture = "NasPS.NotAnArchitecture";
    public const string InvalidInputData = "NasPS.InvalidInputData";
    public const string InvalidBenchmark = "NasPS.InvalidBenchmark";
    public const string NotInBenchmark = "NasPS.NotInBenchmark";
    public const string TooFewValues = "NasPS.TooFewValues";
    public const string SearchFailed = "NasPS.SearchFailed";
    public const string PropertyNotNumeric = "NasPS.PropertyNotNumeric";
    public const string NotASearchResult = "NasPS.NotASearchResult";
    public const string CannotWriteFile = "NasPS.CannotWriteFile";
}
