package dev.gauntlet.history.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.harness.run.SuiteResult;
import dev.gauntlet.harness.run.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Posts the verdict as JSON to a URL: {@code suite}, {@code verdict}, {@code passed}, {@code
 * headline}, {@code blockers} ({@code check}, {@code title}, {@code reason}), {@code report} and
 * {@code runId}. Each attempt has a timeout; a network error, a timeout, a 5xx or a 429 is retried
 * (with a short growing pause), any other answer below 200 or from 300 up is final. It never throws:
 * the result says whether it was delivered, so the caller prints a warning and the run's verdict and
 * exit code never depend on it. The whole call is bounded by {@code (retries + 1) × timeout} plus the
 * pauses.
 */
public final class Webhook {

  /**
   * @param url an http or https URL
   * @param timeout per attempt (connection and answer)
   * @param retries attempts after the first, 0 to 10
   */
  public record Settings(URI url, Duration timeout, int retries) {
    public Settings {
      Objects.requireNonNull(url, "url");
      if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
        throw new IllegalArgumentException("the webhook URL must be http:// or https:// with a host, got '" + url + "'");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 300) {
        throw new IllegalArgumentException("the webhook timeout must be in (0, 300] seconds, got " + timeout);
      }
      if (retries < 0 || retries > 10) {
        throw new IllegalArgumentException("webhook retries must be in [0, 10], got " + retries);
      }
    }
  }

  /** What happened: delivered or not, after how many attempts, the last problem (null when delivered). */
  public record Result(boolean delivered, int attempts, int status, String problem) {}

  private Webhook() {}

  /** The JSON body. */
  public static String payload(SuiteResult r, String reportPath, Long runId) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("suite", r.suite());
    o.put("verdict", r.verdict().status());
    o.put("passed", r.verdict().passed());
    o.put("headline", r.verdict().headline());
    ArrayNode bs = o.putArray("blockers");
    for (Verdict.Blocker b : r.verdict().blockers()) {
      bs.addObject().put("check", b.checkId()).put("title", b.title()).put("reason", b.reason());
    }
    o.put("report", reportPath);
    if (runId == null) {
      o.putNull("runId");
    } else {
      o.put("runId", runId);
    }
    o.put("startedAt", r.provenance().startedAt());
    try {
      return om.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts {@code json}; never throws. */
  public static Result post(Settings s, String json) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(s.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    HttpRequest req = HttpRequest.newBuilder(s.url()).timeout(s.timeout()).header("Content-Type", "application/json")
        .header("User-Agent", "gauntlet").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    String problem = null;
    int status = -1;
    int attempt = 0;
    while (attempt <= s.retries()) {
      attempt++;
      try {
        HttpResponse<Void> resp = client.send(req, HttpResponse.BodyHandlers.discarding());
        status = resp.statusCode();
        if (status >= 200 && status < 300) {
          return new Result(true, attempt, status, null);
        }
        problem = "the server answered HTTP " + status;
        if (!(status >= 500 || status == 429)) {
          return new Result(false, attempt, status, problem + " (not retried)");
        }
      } catch (HttpTimeoutException e) {
        problem = "no answer within " + s.timeout().toMillis() + " ms";
      } catch (IOException e) {
        problem = "cannot reach it (" + e + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(false, attempt, status, "interrupted");
      }
      if (attempt <= s.retries()) {
        try {
          Thread.sleep(Math.min(2000L, 200L << (attempt - 1)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Result(false, attempt, status, "interrupted");
        }
      }
    }
    return new Result(false, attempt, status, problem);
  }
}
