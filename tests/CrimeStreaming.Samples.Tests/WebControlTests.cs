using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Demo.Web;
using CrimeStreaming.Kafka;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace CrimeStreaming.Samples.Tests;

/// <summary>
/// The web dashboard's server in this process, on a clock of fake time: its options, the controls and their bad values,
/// routes, where it listens, and how it throttles what it pushes.
/// </summary>
public sealed class WebControlTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));
    private readonly KafkaCrimeSink _sink = new(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1" });
    private readonly FakeTimeProvider _time = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<IDisposable> _disposables = [];
    private WebServer _server = null!;
    private AcceleratedClock _clock = null!;
    private WebFeed _feed = null!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync(IPAddress.Loopback, 0, verbose: false, CancellationToken.None);
        _clock = new AcceleratedClock(Start, 3600, _time);
        _clock.Run();
        _feed = await CreateFeedAsync(_clock, new ReplayControl(_clock, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _sink.Dispose();
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Theory]
    [InlineData("--web", null, 5173)]
    [InlineData("--web", "0", 0)]
    [InlineData("--web", "8080", 8080)]
    [InlineData("--web=8081", null, 8081)]
    public void Web_takes_an_optional_port_and_listens_on_loopback_by_default(string option, string? value, int port)
    {
        var options = DemoOptions.Parse(value is null ? [option, "--seed", "3"] : [option, value, "--seed", "3"]);

        options.WebPort.Should().Be(port);
        options.Seed.Should().Be(3, "the option after a bare --web is not taken for its port");
        options.WebHost.Should().Be(IPAddress.Loopback);
        DemoOptions.Parse([]).WebPort.Should().BeNull("no web server unless asked");
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::1", "::1")]
    [InlineData("[::]", "::")]
    [InlineData("localhost", "127.0.0.1")]
    public void Web_host_takes_an_address_and_implies_web(string host, string address)
    {
        var options = DemoOptions.Parse(["--web-host", host]);

        options.WebHost.Should().Be(IPAddress.Parse(address));
        options.WebPort.Should().Be(DemoOptions.DefaultWebPort);
    }

    [Theory]
    [InlineData("--web", "-1", "--web: '-1' is not a whole number from 0 to 65,535.")]
    [InlineData("--web", "65536", "--web: '65536' is not a whole number from 0 to 65,535.")]
    [InlineData("--web", "http", "--web: 'http' is not a whole number from 0 to 65,535.")]
    [InlineData("--web-host", "example.org", "--web-host: 'example.org' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, ::1) or localhost.")]
    [InlineData("--web-host", "1", "--web-host: '1' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, ::1) or localhost.")]
    public void Bad_web_options_name_the_value(string option, string value, string message)
    {
        var parse = () => DemoOptions.Parse([option, value]);

        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e12")]
    [InlineData("10000001")]
    [InlineData("0.5")]
    [InlineData("3,600")]
    public async Task A_bad_speed_is_a_400_naming_the_value_and_changes_nothing(string value)
    {
        _server.Attach(_feed);

        using var response = await _http.PostAsync(Api($"speed?value={Uri.EscapeDataString(value)}"), null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Be($"speed: '{value}' is not a number from 1 to 10,000,000.\n");
        _clock.Acceleration.Should().Be(3600);
        (await StateAsync()).GetProperty("phase").GetString().Should().Be("replaying", "the server goes on");
    }

    [Theory]
    [InlineData("speed")]
    [InlineData("speed?value=")]
    [InlineData("speed?value=2&value=3")]
    [InlineData("speed?speed=2")]
    public async Task A_speed_without_one_value_is_a_400(string path)
    {
        _server.Attach(_feed);

        using var response = await _http.PostAsync(Api(path), null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().StartWith("speed: give one value, /api/speed?value=X with X from 1 to 10,000,000.");
    }

    [Fact]
    public async Task Each_control_steers_the_clock_and_answers_its_state()
    {
        _server.Attach(_feed);

        (await PostAsync("pause")).GetProperty("paused").GetBoolean().Should().BeTrue();
        _clock.IsPaused.Should().BeTrue();
        var paused = _clock.Now;
        _time.Advance(TimeSpan.FromSeconds(5));
        _clock.Now.Should().Be(paused);
        (await StateAsync()).GetProperty("clock").GetProperty("nowMs").GetInt64().Should().Be(paused.ToUnixTimeMilliseconds());

        (await PostAsync("resume")).GetProperty("paused").GetBoolean().Should().BeFalse();
        (await PostAsync("faster")).GetProperty("acceleration").GetDouble().Should().Be(7200);
        (await PostAsync("slower")).GetProperty("acceleration").GetDouble().Should().Be(3600);
        (await PostAsync("speed?value=1234.5")).GetProperty("acceleration").GetDouble().Should().Be(1234.5);
        (await PostAsync("speed?value=1e7")).GetProperty("acceleration").GetDouble().Should().Be(DemoOptions.MaxAcceleration);
        (await PostAsync("speed?value=1")).GetProperty("acceleration").GetDouble().Should().Be(DemoOptions.MinAcceleration);
        (await PostAsync("fastest")).GetProperty("acceleration").GetDouble().Should().Be(DemoOptions.MaxAcceleration);
        (await PostAsync("faster")).GetProperty("acceleration").GetDouble().Should().Be(DemoOptions.MaxAcceleration, "never beyond what --acceleration accepts");
    }

    [Theory]
    [InlineData("GET", "/api/nope")]
    [InlineData("POST", "/api/nope")]
    [InlineData("GET", "/nope.js")]
    [InlineData("GET", "/api/pause")]
    [InlineData("DELETE", "/api/state")]
    public async Task Unknown_routes_are_404(string method, string path)
    {
        _server.Attach(_feed);

        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(_server.Url, path)));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().StartWith("not found: ");
    }

    [Fact]
    public async Task The_page_and_its_assets_are_served_from_the_app_itself()
    {
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css") })
        {
            using var response = await _http.GetAsync(new Uri(_server.Url, path));

            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be(type);
            var text = await response.Content.ReadAsStringAsync();
            text.Should().NotContain("http://", "nothing is loaded from elsewhere").And.NotContain("https://");
        }
    }

    [Fact]
    public async Task Before_the_run_the_state_says_preparing_and_the_controls_wait()
    {
        (await StateAsync()).GetProperty("phase").GetString().Should().Be("preparing");

        using var response = await _http.PostAsync(Api("pause"), null);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Be("the replay has not started yet.\n");
        using var bad = await _http.PostAsync(Api("speed?value=NaN"), null);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a bad value is a bad value, whatever the replay's state");
    }

    [Fact]
    public async Task A_replay_on_virtual_time_has_no_controls()
    {
        var feed = await CreateFeedAsync(new VirtualClock(Start), control: null);
        _server.Attach(feed);

        using var response = await _http.PostAsync(Api("speed?value=2"), null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).Should().Contain("virtual time (--as-fast-as-possible)");
        var clock = (await StateAsync()).GetProperty("clock");
        clock.GetProperty("steerable").GetBoolean().Should().BeFalse();
        clock.GetProperty("virtual").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_page_of_another_site_cannot_steer_the_replay()
    {
        _server.Attach(_feed);
        using var request = new HttpRequestMessage(HttpMethod.Post, Api("fastest"));
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _clock.Acceleration.Should().Be(3600);
        using var own = new HttpRequestMessage(HttpMethod.Post, Api("pause"));
        own.Headers.Add("Origin", _server.Url.GetLeftPart(UriPartial.Authority));
        (await _http.SendAsync(own)).StatusCode.Should().Be(HttpStatusCode.OK, "the page's own requests carry its origin");
    }

    [Fact]
    public async Task It_listens_on_loopback_only_by_default()
    {
        _server.EndPoint.Address.Should().Be(IPAddress.Loopback);
        _server.Url.Host.Should().Be("127.0.0.1");

        // 127.0.0.2 is this machine too, but not the address listened on: refused.
        using var other = new TcpClient();
        var connect = async () => await other.ConnectAsync(IPAddress.Parse("127.0.0.2"), _server.EndPoint.Port);
        await connect.Should().ThrowAsync<SocketException>();
    }

    [Fact]
    public async Task A_port_in_use_is_a_usage_error_naming_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var start = async () => await WebServer.StartAsync(IPAddress.Loopback, port, verbose: false, CancellationToken.None);

        (await start.Should().ThrowAsync<UsageException>()).Which.Message.Should().Be($"--web: port {port} is in use on 127.0.0.1; give another port, or 0 for any free one.");
    }

    [Fact]
    public async Task An_address_of_another_machine_is_a_usage_error_naming_it()
    {
        // 192.0.2.1 is reserved for documentation (TEST-NET-1): never an address of this machine. Binding sends nothing.
        var start = async () => await WebServer.StartAsync(IPAddress.Parse("192.0.2.1"), 0, verbose: false, CancellationToken.None);

        (await start.Should().ThrowAsync<UsageException>()).Which.Message.Should().StartWith("--web: cannot listen on 192.0.2.1:0 (").And.EndWith("); give another port, or --web-host with an address of this machine.");
    }

    [Fact]
    public async Task Frames_come_at_most_five_a_second_with_the_points_sampled_to_a_cap()
    {
        _server.Attach(_feed);
        using var stream = await _http.GetStreamAsync(Api("events"));
        using var reader = new StreamReader(stream);
        var first = await NextFrameAsync(reader);
        first.GetProperty("history").GetBoolean().Should().BeTrue("a page gets the history as it connects");
        first.GetProperty("areas").ValueKind.Should().Be(JsonValueKind.Array);

        // 5,000 located reports between two frames: at most 400 points go out, a sample of them all.
        var record = Record(34.05, -118.25, "ROBBERY", "Central");
        for (var i = 0; i < 5000; i++)
        {
            _feed.OnReport(new CrimeReport(record with { Location = new GeoPoint(34.0 + (i % 100 * 0.001), -118.3 + (i / 100 * 0.001)) }, Start, 1));
        }

        long seen = 0;
        var frames = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (seen < 5000)
        {
            var frame = await NextFrameAsync(reader);
            frames++;
            var points = frame.GetProperty("points").GetArrayLength();
            points.Should().BeLessThanOrEqualTo(3 * WebFeed.PointsPerFrame);
            points.Should().Be(3 * (int)Math.Min(frame.GetProperty("seen").GetInt64(), WebFeed.PointsPerFrame));
            seen += frame.GetProperty("seen").GetInt64();
        }

        seen.Should().Be(5000);
        frames.Should().BeLessThanOrEqualTo(2, "5,000 reports added at once fall into one frame, or two");

        // And the pace: ten frames take at least ~1.8 s (one every 200 ms; the timer never bunches them up).
        watch.Restart();
        for (var i = 0; i < 10; i++)
        {
            await NextFrameAsync(reader);
        }

        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.7));
    }

    [Fact]
    public async Task The_state_has_the_clock_the_kafka_counts_and_the_windows()
    {
        _server.Attach(_feed);
        _time.Advance(TimeSpan.FromSeconds(3)); // three simulated hours
        var window = new CrimeSnapshot(Start.AddHours(1), Start.AddHours(2), 2, 1, [new("ROBBERY", 2)], [new("Central", 2)]);
        _feed.OnWindow(new GlobalWindowResult(1, window));

        var state = await StateAsync();

        state.GetProperty("clock").GetProperty("nowText").GetString().Should().Be("2020-01-01 03:00:00 -08:00");
        state.GetProperty("clock").GetProperty("acceleration").GetDouble().Should().Be(3600);
        state.GetProperty("kafka").GetProperty("consumed").GetInt64().Should().Be(0);
        var one = state.GetProperty("windows")[0];
        one.GetProperty("hours").GetInt32().Should().Be(1);
        one.GetProperty("complete").GetProperty("total").GetInt64().Should().Be(2);
        one.GetProperty("complete").GetProperty("types")[0].GetProperty("name").GetString().Should().Be("ROBBERY");
        state.GetProperty("map").GetProperty("nearDegrees").GetDouble().Should().Be(0.02);
    }

    [Fact]
    public void Crime_types_are_coloured_by_kind()
    {
        WebFeed.Kind("BATTERY - SIMPLE ASSAULT").Should().Be(0);
        WebFeed.Kind("BURGLARY FROM VEHICLE").Should().Be(1);
        WebFeed.Kind("ATTEMPTED ROBBERY").Should().Be(2);
        WebFeed.Kind("VEHICLE - STOLEN").Should().Be(3);
        WebFeed.Kind(null).Should().Be(3);
    }

    [Fact]
    public void Area_outlines_are_convex_hulls_of_the_reports()
    {
        var square = new[] { (0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.5, 0.5), (0.2, 0.7), (1.0, 0.5) };

        var hull = WebFeed.ConvexHull(square);

        hull.Should().BeEquivalentTo(new[] { (0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0) });
    }

    [Fact]
    public async Task The_terminal_dashboard_with_the_web_line_fits_80_by_24()
    {
        var clock = new VirtualClock(Start);
        var (dashboard, _) = await CreateDashboardAsync(clock);
        await clock.WaitUntilAsync(Start.AddHours(3.2), CancellationToken.None);
        using var stop = new StopSignal("test");
        dashboard.Keys = new ReplayKeys(new AcceleratedClock(Start, 345_600), stop, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration);
        dashboard.WebUrl = "http://127.0.0.1:65535/";
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 80;

        console.Write(dashboard.Render(80));

        var lines = output.ToString().TrimEnd('\n').Split('\n');
        lines.Length.Should().BeLessThanOrEqualTo(23);
        lines.Should().OnlyContain(l => l.TrimEnd().Length <= 80);
        lines.Should().Contain("web dashboard: http://127.0.0.1:65535/");
    }

    private static CrimeRecord Record(double lat, double lon, string type, string area) => new()
    {
        DrNumber = "1",
        DateOccurred = DateOnly.FromDateTime(Start.DateTime),
        TimeOccurred = new TimeOnly(1, 10),
        AreaId = "1",
        AreaName = area,
        CrimeCode = "210",
        CrimeDescription = type,
        Location = new GeoPoint(lat, lon),
    };

    private static async Task<JsonElement> NextFrameAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        throw new EndOfStreamException("the event stream ended");
    }

    private Uri Api(string path) => new(_server.Url, "api/" + path);

    private async Task<JsonElement> StateAsync() => JsonDocument.Parse(await _http.GetStringAsync(Api("state"))).RootElement.Clone();

    private async Task<JsonElement> PostAsync(string path)
    {
        using var response = await _http.PostAsync(Api(path), null);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(Dashboard Dashboard, PreparedReplay Prepared)> CreateDashboardAsync(SimulationClock clock)
    {
        CrimeRecord[] records = [Record(34.05, -118.25, "ROBBERY", "Central") with { TimeOccurred = new TimeOnly(1, 10) }, Record(34.02, -118.28, "BURGLARY", "Southwest") with { DrNumber = "2", TimeOccurred = new TimeOnly(2, 20) }];
        var options = new CrimeStreamerOptions { AsFastAsPossible = true, Seed = 1, SimulationStart = Start, CrimesOfInterest = [] };
        var prepared = await new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options).PrepareAsync();
        _disposables.Add(prepared);
        var dashboard = new Dashboard(prepared, clock, _sink, "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003", "embedded cluster, topic la-crime, 6 partitions, RF 3; join with --disorder 691200");
        return (dashboard, prepared);
    }

    private async Task<WebFeed> CreateFeedAsync(SimulationClock clock, ReplayControl? control)
    {
        var (dashboard, prepared) = await CreateDashboardAsync(clock);
        return new WebFeed(prepared, clock, control, dashboard, () => new KafkaCounts(_sink.Summary, dashboard.Consumed, 0, 0), "127.0.0.1:40001", "la-crime");
    }
}
