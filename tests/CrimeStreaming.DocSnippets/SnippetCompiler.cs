using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CrimeStreaming.DocSnippets;

/// <summary>Compiles a snippet as the Program.cs of a new console app that references the packages.</summary>
/// <remarks>
/// The app is what <c>dotnet new console</c> makes: implicit usings (System, System.IO, System.Linq, System.Threading,
/// System.Threading.Tasks, System.Collections.Generic, System.Net.Http) and nullable reference types on. Everything
/// else — <c>using CrimeStreaming;</c> included — must be in the snippet. Warnings count as errors, as in this repository.
/// A snippet with top-level statements is a program; one with declarations only is compiled as a library.
/// The references are the assemblies this test runs with: the three projects and their dependencies, and the runtime.
/// </remarks>
public static class SnippetCompiler
{
    private static readonly string ImplicitUsings = string.Join('\n',
        new[] { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" }
            .Select(n => $"global using global::{n};"));

    // Parsing the metadata of ~200 assemblies is most of the cost of a compilation: done once, shared by all snippets.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                        && !Path.GetFileName(p).StartsWith("xunit", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    /// <summary>Compiles <paramref name="snippet"/>.</summary>
    /// <returns>The assembly image, or the errors, each starting with the Markdown file and line.</returns>
    public static SnippetCompilation Compile(CodeSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);

        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(snippet.Code), parseOptions, path: snippet.File);
        var isProgram = tree.GetCompilationUnitRoot().Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax);
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithOptimizationLevel(OptimizationLevel.Debug)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
            // As the SDK does for every project (NoWarn 1701;1702): reference unification across framework versions is not a problem.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
        var compilation = CSharpCompilation.Create(
            AssemblyName(snippet),
            [tree, CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, path: "ImplicitUsings.g.cs")],
            References.Value,
            options);

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => Describe(snippet, d))
            .ToList();
        return new SnippetCompilation(snippet, isProgram, result.Success ? image.ToArray() : null, errors);
    }

    // A diagnostic as "docs/x.md:21:5: error CS0103: ...", with the line counted in the Markdown file.
    private static string Describe(CodeSnippet snippet, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = diagnostic.Location.IsInSource && span.Path == snippet.File
            ? $"{snippet.File}:{snippet.Line + span.StartLinePosition.Line}:{span.StartLinePosition.Character + 1}"
            : snippet.Id;
        return $"{where}: error {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string AssemblyName(CodeSnippet snippet) =>
        "Snippet_" + new string(snippet.Id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
