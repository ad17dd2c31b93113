package dev.gauntlet.history.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.harness.report.ReportFixtures;
import dev.gauntlet.harness.run.Gate;
import dev.gauntlet.harness.run.SuiteResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook against a local HTTP server bound to the loopback address only. */
class WebhookTest {
  HttpServer server;
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();

  /** Starts a server on 127.0.0.1 whose n-th answer (1-based) is {@code statusFor.apply(n)}, after {@code delayMillis}. */
  URI serve(java.util.function.IntUnaryOperator statusFor, long delayMillis) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", ex -> {
      int n = calls.incrementAndGet();
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(statusFor.applyAsInt(n), -1);
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    assertTrue(server.getAddress().getAddress().isLoopbackAddress());
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  static final SuiteResult RESULT = ReportFixtures.rich(Gate.standard());

  @Test
  void theVerdictBlockersAndReportPathArePostedAsJson() throws Exception {
    URI u = serve(n -> 200, 0);
    Webhook.Result r = Webhook.post(new Webhook.Settings(u, Duration.ofSeconds(5), 3), Webhook.payload(RESULT, "/out/report.html", 7L));
    assertTrue(r.delivered());
    assertEquals(1, r.attempts());
    JsonNode j = new ObjectMapper().readTree(bodies.get(0));
    assertEquals(RESULT.verdict().status(), j.get("verdict").asText());
    assertEquals(RESULT.verdict().passed(), j.get("passed").asBoolean());
    assertEquals(RESULT.verdict().blockers().size(), j.get("blockers").size());
    assertEquals(RESULT.verdict().blockers().get(0).checkId(), j.get("blockers").get(0).get("check").asText());
    assertEquals(RESULT.verdict().blockers().get(0).reason(), j.get("blockers").get(0).get("reason").asText());
    assertEquals("/out/report.html", j.get("report").asText());
    assertEquals(7, j.get("runId").asLong());
  }

  @Test
  void a500IsRetriedUntilA200() throws Exception {
    URI u = serve(n -> n == 1 ? 500 : 200, 0);
    Webhook.Result r = Webhook.post(new Webhook.Settings(u, Duration.ofSeconds(5), 3), "{}");
    assertTrue(r.delivered(), String.valueOf(r));
    assertEquals(2, r.attempts());
    assertEquals(2, calls.get());
  }

  @Test
  void aServerThatNeverAnswersInTimeGivesUpAfterTheRetriesWithinItsBound() throws Exception {
    URI u = serve(n -> 200, 3000);
    long t0 = System.nanoTime();
    Webhook.Result r = Webhook.post(new Webhook.Settings(u, Duration.ofMillis(300), 2), "{}");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(r.delivered());
    assertEquals(3, r.attempts());
    assertTrue(r.problem().contains("no answer within 300 ms"), r.problem());
    // 3 attempts x 300 ms + pauses of 200 and 400 ms, with slack for a busy machine; far below the server's 3 x 3 s
    assertTrue(ms < 4000, "took " + ms + " ms");
  }

  @Test
  void aClientErrorIsNotRetriedAndAClosedPortIsNoException() throws Exception {
    URI u = serve(n -> 404, 0);
    Webhook.Result r = Webhook.post(new Webhook.Settings(u, Duration.ofSeconds(2), 3), "{}");
    assertFalse(r.delivered());
    assertEquals(1, r.attempts());
    int port = server.getAddress().getPort();
    server.stop(0);
    server = null;
    Webhook.Result closed = Webhook.post(new Webhook.Settings(URI.create("http://127.0.0.1:" + port + "/hook"), Duration.ofSeconds(1), 1), "{}");
    assertFalse(closed.delivered());
    assertEquals(2, closed.attempts());
    assertTrue(closed.problem().startsWith("cannot reach it"), closed.problem());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Webhook.Settings(URI.create("file:///etc/passwd"), Duration.ofSeconds(1), 0));
    assertThrows(IllegalArgumentException.class, () -> new Webhook.Settings(URI.create("http://127.0.0.1/x"), Duration.ZERO, 0));
    assertThrows(IllegalArgumentException.class, () -> new Webhook.Settings(URI.create("http://127.0.0.1/x"), Duration.ofSeconds(1), 11));
  }
}
