package dev.gauntlet.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real browser for report tests: Debian's headless Chromium driven over the DevTools protocol
 * with the JDK's own WebSocket client (no test dependency). Started with {@code --headless
 * --no-sandbox --disable-gpu --disable-background-networking --no-first-run} and a fresh
 * {@code --user-data-dir}. It records every console message, uncaught exception and browser log
 * entry (CSP violations and failed loads arrive there), evaluates expressions in the page, sends
 * key presses, emulates screen sizes and print media, and takes screenshots.
 *
 * <p>Tests call {@link #find()} and skip with {@link #ABSENT} when there is no Chromium;
 * {@code .ci/run} installs it.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** The skip message when no browser is installed. */
  public static final String ABSENT = "chromium is not installed (apt-get update && apt-get install -y chromium; .ci/run does this); skipping the browser test";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();

  /** The Chromium executable on the PATH or in the usual places, if any. */
  public static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH") == null ? "" : System.getenv("PATH");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "chromium"));
        candidates.add(Path.of(dir, "chromium-browser"));
      }
    }
    candidates.add(Path.of("/usr/bin/chromium"));
    candidates.add(Path.of("/usr/lib/chromium/chromium"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** Starts the browser with a viewport of {@code width} x {@code height} CSS pixels and attaches to its page. */
  public HeadlessChromium(Path executable, int width, int height) throws IOException, InterruptedException {
    profile = Files.createTempDirectory("gauntlet-chromium-");
    ProcessBuilder pb = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=" + width + "," + height, "about:blank");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    process = pb.start();
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Pattern listening = Pattern.compile("DevTools listening on (ws://\\S+)");
    Thread drain = new Thread(() -> {
      try {
        String line;
        while ((line = err.readLine()) != null) {
          synchronized (stderr) {
            stderr.add(line);
          }
          Matcher m = listening.matcher(line);
          if (m.find()) {
            endpoint.complete(m.group(1));
          }
        }
      } catch (IOException ignored) {
        // the browser closed its stderr
      }
      endpoint.completeExceptionally(new IOException("chromium exited before listening"));
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    String browserWs;
    try {
      browserWs = endpoint.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close0();
      throw new IOException("chromium did not start: " + e.getMessage() + "\n" + String.join("\n", stderr()), e);
    }
    URI browser = URI.create(browserWs);
    HttpClient http = HttpClient.newHttpClient();
    String pageWs = null;
    for (int attempt = 0; attempt < 50 && pageWs == null; attempt++) {
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (JsonNode t : JSON.readTree(list.body())) {
        if ("page".equals(t.path("type").asText())) {
          pageWs = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageWs == null) {
        Thread.sleep(100);
      }
    }
    if (pageWs == null) {
      close0();
      throw new IOException("chromium has no page target");
    }
    socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(URI.create(pageWs), new Listener()).join();
    call("Runtime.enable", null);
    call("Log.enable", null);
    call("Page.enable", null);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String msg = partial.toString();
        partial.setLength(0);
        try {
          JsonNode n = JSON.readTree(msg);
          if (n.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
            if (f != null) {
              f.complete(n);
            }
          } else {
            synchronized (events) {
              events.add(n);
              events.notifyAll();
            }
          }
        } catch (IOException e) {
          // a malformed message from the browser: ignore it, the waiting call times out
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Sends a DevTools command and waits for its result; a protocol error throws. */
  public JsonNode call(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    if (params != null) {
      msg.set("params", JSON.valueToTree(params));
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(msg.toString(), true).join();
    JsonNode reply;
    try {
      reply = f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + ": no reply from chromium: " + e, e);
    }
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Opens a URL and waits for its load event. */
  public void load(URI url) throws InterruptedException {
    int seen;
    synchronized (events) {
      seen = events.size();
    }
    call("Page.navigate", Map.of("url", url.toString()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    synchronized (events) {
      while (true) {
        for (int i = seen; i < events.size(); i++) {
          if ("Page.loadEventFired".equals(events.get(i).path("method").asText())) {
            return;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("the page did not finish loading: " + url);
        }
        events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }
  }

  /** Evaluates a JavaScript expression in the page (the test's, not the report's) and returns its JSON value. */
  public JsonNode eval(String expression) {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluation failed: " + r.get("exceptionDetails") + "\n" + expression);
    }
    return r.path("result").path("value");
  }

  /** Presses and releases a key, e.g. {@code key("Tab", 9, null)} or {@code key("Enter", 13, "\r")}. */
  public void key(String key, int code, String text) {
    Map<String, Object> down = new java.util.LinkedHashMap<>();
    down.put("type", "keyDown");
    down.put("key", key);
    down.put("code", key);
    down.put("windowsVirtualKeyCode", code);
    if (text != null) {
      down.put("text", text);
    }
    call("Input.dispatchKeyEvent", down);
    call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", key, "windowsVirtualKeyCode", code));
  }

  /** Emulates a screen of {@code width} x {@code height} CSS pixels. */
  public void viewport(int width, int height, boolean mobile) {
    call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** Emulates a CSS media type: "print", "screen", or "" for none. */
  public void media(String media) {
    call("Emulation.setEmulatedMedia", Map.of("media", media));
  }

  /** A PNG of the viewport, written to {@code file}; returns its bytes. */
  public byte[] screenshot(Path file) throws IOException {
    byte[] png = Base64.getDecoder().decode(call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, png);
    return png;
  }

  /** The page as a PDF, as printing would give it. */
  public byte[] pdf() {
    return Base64.getDecoder().decode(call("Page.printToPDF", Map.of("printBackground", false)).path("data").asText());
  }

  /**
   * Console errors and warnings, uncaught exceptions and browser log entries of level warning or
   * error (CSP violations, blocked or failed loads) seen so far, one line each.
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    synchronized (events) {
      for (JsonNode e : events) {
        String m = e.path("method").asText();
        JsonNode p = e.path("params");
        switch (m) {
          case "Runtime.consoleAPICalled" -> {
            String type = p.path("type").asText();
            if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
              out.add("console." + type + ": " + p.path("args"));
            }
          }
          case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails"));
          case "Log.entryAdded" -> {
            String level = p.path("entry").path("level").asText();
            if (level.equals("error") || level.equals("warning")) {
              out.add("log." + level + " (" + p.path("entry").path("source").asText() + "): " + p.path("entry").path("text").asText()
                  + " " + p.path("entry").path("url").asText());
            }
          }
          default -> { }
        }
      }
    }
    return out;
  }

  /** What the browser wrote to stderr (for failure messages). */
  public List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the browser is stopped below anyway
    }
    close0();
  }

  private void close0() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Chromium's helper processes may still rename files in the profile for a moment after the main
    // process exits: a file vanishing mid-walk is not an error; try a few times, then leave it.
    for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // retried below; a temporary profile left behind is harmless
      }
      if (Files.exists(profile)) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
