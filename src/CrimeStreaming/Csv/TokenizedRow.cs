namespace CrimeStreaming.Csv;

/// <summary>
/// A data row as the tokenizing stage hands it to the building stage: its fields as text and where it lies in the file,
/// or the error that already decided it.
/// </summary>
/// <remarks>
/// A row holds nothing the parser will reuse, so it can be built on another thread while the parser reads on: usually
/// its text, split by the builder (<see cref="CsvRecordSplitter"/>); otherwise the builder's columns taken out of the
/// parser (<see cref="Fields"/> is indexed by header position, other columns <see langword="null"/>).
/// </remarks>
internal readonly struct TokenizedRow
{
    private TokenizedRow(CrimeCsvRecordBuilder? builder, string?[]? fields, string? text, long line, long endLine, string? badData, RowError? error, bool fatal)
    {
        Builder = builder;
        Fields = fields;
        RawText = text;
        Line = line;
        EndLine = endLine;
        BadData = badData;
        Error = error;
        Fatal = fatal;
    }

    /// <summary>Builds the record out of <see cref="Fields"/>; <see langword="null"/> for an error.</summary>
    public CrimeCsvRecordBuilder? Builder { get; }

    /// <summary>The row's fields by header position, or <see langword="null"/> when the row is <see cref="RawText"/> or an error.</summary>
    public string?[]? Fields { get; }

    /// <summary>The row's text as read (one line), to split into fields, or <see langword="null"/> when the row is <see cref="Fields"/> or an error.</summary>
    public string? RawText { get; }

    /// <summary>The row's first physical line (1-based).</summary>
    public long Line { get; }

    /// <summary>The row's last physical line: greater than <see cref="Line"/> when a quoted field holds a line break.</summary>
    public long EndLine { get; }

    /// <summary>A field CsvHelper found malformed quoting in, or <see langword="null"/>.</summary>
    public string? BadData { get; }

    /// <summary>The error the tokenizer found (the row cannot be built), or <see langword="null"/>.</summary>
    public RowError? Error { get; }

    /// <summary>Whether <see cref="Error"/> stopped reading: nothing follows this row.</summary>
    public bool Fatal { get; }

    public static TokenizedRow Row(CrimeCsvRecordBuilder builder, string?[] fields, long line, long endLine, string? badData) =>
        new(builder, fields, null, line, endLine, badData, null, false);

    public static TokenizedRow Text(CrimeCsvRecordBuilder builder, string text, long line, string? badData) =>
        new(builder, null, text, line, line, badData, null, false);

    public static TokenizedRow Failed(RowError error, bool fatal = false) =>
        new(null, null, null, error.Line, error.EndLine, null, error, fatal);
}
