namespace CrimeStreaming.Samples.Tests;

internal static class OutputAssertions
{
    /// <summary>The error discipline: exactly one non-empty stderr line, starting with "error: ", and no stack trace anywhere.</summary>
    public static string ShouldBeOneErrorLine(this SampleProcess app, int exitCode)
    {
        app.ExitCode.Should().Be(exitCode, "stdout: {0} stderr: {1}", app.Stdout, app.Stderr);
        var lines = app.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle().Which.Should().StartWith("error: ");
        (app.Stdout + app.Stderr).Should().NotContain("   at ").And.NotContain("Exception");
        return lines[0];
    }
}
