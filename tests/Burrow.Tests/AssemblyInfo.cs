// These tests drive the real command as Unix processes (signals, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
