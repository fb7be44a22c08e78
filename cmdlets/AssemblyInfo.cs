namespace NasPS.Cmdlets;
