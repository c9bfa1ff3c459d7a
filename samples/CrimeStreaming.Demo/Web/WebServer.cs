using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using CrimeStreaming.Demo.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Demo.Web;

/// <summary>
/// <c>--web</c>: the live web dashboard, served by Kestrel on loopback unless told otherwise. The page and its script
/// are embedded in the app (nothing is fetched from the internet); the page gets its data as server-sent events, a
/// frame every <see cref="FrameInterval"/>, and steers the replay through <c>POST /api/…</c>.
/// </summary>
/// <remarks>
/// <para>Routes: <c>GET /</c> the page, <c>GET /app.js</c>, <c>GET /app.css</c>; <c>GET /api/state</c> a JSON snapshot;
/// <c>GET /api/events</c> the event stream; <c>POST /api/pause</c>, <c>/api/resume</c>, <c>/api/faster</c>,
/// <c>/api/slower</c>, <c>/api/fastest</c> and <c>/api/speed?value=X</c>. Anything else is 404.</para>
/// <para>The server is bound before the run starts (a port in use is a usage error), and serves a "preparing" state until
/// <see cref="Attach"/> hands it the run. Its own logging stays off the console unless <c>--verbose</c>: the terminal
/// dashboard is live in the same terminal. It does not handle Ctrl+C: the demo's stop signal does.</para>
/// </remarks>
internal sealed class WebServer : IAsyncDisposable
{
    /// <summary>How often a frame is pushed to each page: at most five a second, whatever the replay's speed.</summary>
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Frames a slow page may fall behind by before the oldest are dropped.</summary>
    private const int FramesQueued = 4;

    /// <summary>The area outlines change slowly: sent every this many frames (and to every page as it connects).</summary>
    private const int AreasEvery = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private WebFeed? _feed;
    private Task _pump = Task.CompletedTask;

    private WebServer(WebApplication app) => _app = app;

    /// <summary>The page's address, e.g. <c>http://127.0.0.1:5173/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The address and port listened on (the port chosen by the system for port 0).</summary>
    public IPEndPoint EndPoint { get; private set; } = null!;

    /// <summary>Binds and starts the server.</summary>
    /// <param name="address">The address to listen on (loopback by default).</param>
    /// <param name="port">The port; 0 for any free one.</param>
    /// <param name="verbose">Let the server's warnings through to the console.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <exception cref="UsageException">The port is in use, or cannot be listened on (an address not of this machine, a port reserved).</exception>
    public static async Task<WebServer> StartAsync(IPAddress address, int port, bool verbose, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(address, port);
        });

        var app = builder.Build();
        var server = new WebServer(app);
        server.Map();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Kestrel wraps a port in use in an IOException; an address that is not this machine's is a bare SocketException.
            await app.DisposeAsync();
            var where = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
            var inUse = (e.InnerException ?? e) is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse };
            throw new UsageException(inUse
                ? string.Create(CultureInfo.InvariantCulture, $"--web: port {port} is in use on {address}; give another port, or 0 for any free one.")
                : $"--web: cannot listen on {where} ({e.Message.TrimEnd('.')}); give another port, or --web-host with an address of this machine.");
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var actualPort = new Uri(bound).Port;
        server.EndPoint = new IPEndPoint(address, actualPort);
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        server.Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{actualPort}/"));
        return server;
    }

    /// <summary>Hands the server the run: from now on the page shows it, and the controls steer its clock.</summary>
    public void Attach(WebFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        Volatile.Write(ref _feed, feed);
        _pump = PumpAsync(_stopping.Token);
    }

    /// <summary>Pushes a last frame (phase <c>done</c>) and ends every event stream; the server keeps answering until disposed.</summary>
    public async Task FinishAsync()
    {
        if (_feed is { } feed)
        {
            feed.Phase = "done";
        }

        await _stopping.CancelAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Publish(0);
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Frames.Writer.TryComplete();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void Map()
    {
        var app = _app;
        app.Use(async (context, next) =>
        {
            // A page of another site must not steer the replay: browsers send Origin with cross-site requests.
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.Origin is [{ } origin] && !SameOrigin(origin, context.Request.Host))
            {
                await Text(context, StatusCodes.Status403Forbidden, $"cross-origin request refused (Origin {origin}).");
                return;
            }

            await next(context);
        });

        app.MapGet("/", (HttpContext c) => Asset(c, "index.html", "text/html; charset=utf-8"));
        app.MapGet("/index.html", (HttpContext c) => Asset(c, "index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", (HttpContext c) => Asset(c, "app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", (HttpContext c) => Asset(c, "app.css", "text/css; charset=utf-8"));
        app.MapGet("/api/state", () => Results.Json(State(), Json));
        app.MapGet("/api/events", Events);
        app.MapPost("/api/pause", (HttpContext c) => Steer(c, control => control.Pause()));
        app.MapPost("/api/resume", (HttpContext c) => Steer(c, control => control.Resume()));
        app.MapPost("/api/faster", (HttpContext c) => Steer(c, control => control.Faster()));
        app.MapPost("/api/slower", (HttpContext c) => Steer(c, control => control.Slower()));
        app.MapPost("/api/fastest", (HttpContext c) => Steer(c, control => control.Fastest()));
        app.MapPost("/api/speed", async (HttpContext c) =>
        {
            // The value is checked first, so that a bad one is a 400 whatever the replay's state.
            double speed;
            try
            {
                speed = Speed(c.Request.Query["value"]);
            }
            catch (UsageException e)
            {
                await Text(c, StatusCodes.Status400BadRequest, e.Message);
                return;
            }

            await Steer(c, control => control.SetSpeed(speed));
        });
        app.MapFallback("{*path}", (HttpContext c) => Text(c, StatusCodes.Status404NotFound, $"not found: {c.Request.Method} {c.Request.Path}"));
    }

    /// <summary>One acceleration the demo accepts, from <c>?value=X</c>.</summary>
    /// <exception cref="UsageException">None, several, or not a number from 1 to 10,000,000: the message names it.</exception>
    private static double Speed(Microsoft.Extensions.Primitives.StringValues values)
    {
        const double min = DemoOptions.MinAcceleration, max = DemoOptions.MaxAcceleration;
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"speed: give one value, /api/speed?value=X with X from {min:#,0.###} to {max:#,0.###}."));
        }

        return OptionValues.Double("speed", values[0]!, min, max);
    }

    private WebState State() => Volatile.Read(ref _feed)?.State() ?? WebState.Preparing;

    private async Task Steer(HttpContext context, Action<ReplayControl> change)
    {
        var feed = Volatile.Read(ref _feed);
        if (feed is null)
        {
            await Text(context, StatusCodes.Status503ServiceUnavailable, "the replay has not started yet.");
            return;
        }

        if (feed.Control is not { } control)
        {
            await Text(context, StatusCodes.Status409Conflict, "this replay runs on virtual time (--as-fast-as-possible): there is no clock to pause or re-pace.");
            return;
        }

        try
        {
            change(control);
        }
        catch (ArgumentException e)
        {
            await Text(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }

        await context.Response.WriteAsJsonAsync(feed.State().Clock, Json);
    }

    private async Task Events(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var subscriber = new Subscriber();
        lock (_gate)
        {
            _subscribers.Add(subscriber);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            await context.Response.WriteAsync("retry: 2000\n\n", stop.Token);
            if (Volatile.Read(ref _feed) is null || _stopping.IsCancellationRequested)
            {
                // Before the run (or after it): the state alone, so that the page says where things are.
                subscriber.Frames.Writer.TryWrite(Frame(State(), [], 0, [], history: false, areas: null));
                if (_stopping.IsCancellationRequested)
                {
                    subscriber.Frames.Writer.TryComplete();
                }
            }

            await foreach (var frame in subscriber.Frames.Reader.ReadAllAsync(stop.Token))
            {
                await context.Response.WriteAsync(frame, stop.Token);
                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // the page went away
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FrameInterval);
        var tick = 0L;
        try
        {
            do
            {
                Publish(tick++);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // finished
        }
    }

    /// <summary>One frame to every page: the state, the points and windows since the last frame; the history and outlines to new pages.</summary>
    private void Publish(long tick)
    {
        var feed = Volatile.Read(ref _feed);
        if (feed is null)
        {
            return;
        }

        var (points, seen, windows) = feed.Take();
        Subscriber[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        if (subscribers.Length == 0)
        {
            return;
        }

        var state = feed.State();
        var areas = tick % AreasEvery == 0 || subscribers.Any(s => !s.Greeted) ? feed.Areas() : null;
        string? usual = null;
        string? greeting = null;
        foreach (var subscriber in subscribers)
        {
            string frame;
            if (subscriber.Greeted)
            {
                frame = usual ??= Frame(state, points, seen, windows, history: false, tick % AreasEvery == 0 ? areas : null);
            }
            else
            {
                frame = greeting ??= Frame(state, points, seen, feed.History(), history: true, areas);
                subscriber.Greeted = true;
            }

            subscriber.Frames.Writer.TryWrite(frame);
        }
    }

    private static string Frame(WebState state, double[] points, long seen, WindowPoint[] windows, bool history, AreaShape[]? areas) =>
        "data: " + JsonSerializer.Serialize(new WebFrame(state, points, seen, windows, history, areas), Json) + "\n\n";

    private static bool SameOrigin(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);

    private static async Task Asset(HttpContext context, string name, string contentType)
    {
        await using var stream = typeof(WebServer).Assembly.GetManifestResourceStream("web/" + name)
            ?? throw new InvalidOperationException($"the web asset {name} is not embedded in the app");
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }

    private sealed class Subscriber
    {
        public Channel<string> Frames { get; } = Channel.CreateBounded<string>(new BoundedChannelOptions(FramesQueued) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public bool Greeted { get; set; }
    }

    /// <summary>The demo's stop signal handles Ctrl+C and SIGTERM; the host must not.</summary>
    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>One server-sent event: the state, and what happened since the previous frame.</summary>
/// <param name="Points">New reports for the map, as latitude, longitude, kind triples (at most <see cref="WebFeed.PointsPerFrame"/>).</param>
/// <param name="Seen">Reports with a location read back since the previous frame (more than the points when sampled).</param>
/// <param name="Windows">Window results emitted since the previous frame, or the whole history when <paramref name="History"/>.</param>
/// <param name="Areas">The area outlines, in some frames only.</param>
internal sealed record WebFrame(WebState State, double[] Points, long Seen, WindowPoint[] Windows, bool History, AreaShape[]? Areas);
