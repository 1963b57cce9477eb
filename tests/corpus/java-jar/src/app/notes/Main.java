package notes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import json.Json;

/** A notes API: POST /notes, GET /notes, GET /notes/ID, DELETE /notes/ID, GET /health. */
public final class Main {
  private final NoteStore store;

  private Main(NoteStore store) { this.store = store; }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    Path dir = Path.of(System.getenv().getOrDefault("NOTES_DIR", "/data"));
    Main app = new Main(new NoteStore(dir));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 50);
    server.createContext("/notes", app::notes);
    server.createContext("/health", ex -> send(ex, 200, Map.of("status", "ok")));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("notes: listening on " + port + ", data in " + dir);
  }

  private void notes(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String rest = path.replaceFirst("^/notes/?", "");
      if (rest.isEmpty()) {
        if (method.equals("GET")) { send(ex, 200, store.all()); return; }
        if (method.equals("POST")) { create(ex); return; }
        send(ex, 405, error("method not allowed"));
        return;
      }
      long id;
      try {
        id = Long.parseLong(rest);
      } catch (NumberFormatException e) {
        send(ex, 404, error("no such note"));
        return;
      }
      Map<String, Object> note = store.get(id);
      if (note == null) { send(ex, 404, error("no such note")); return; }
      if (method.equals("GET")) {
        ex.getResponseHeaders().set("ETag", '"' + sha256(Json.write(note)).substring(0, 16) + '"');
        send(ex, 200, note);
      } else if (method.equals("DELETE")) {
        store.delete(id);
        ex.sendResponseHeaders(204, -1);
        ex.close();
      } else {
        send(ex, 405, error("method not allowed"));
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      send(ex, 500, error("internal error"));
    }
  }

  private void create(HttpExchange ex) throws IOException {
    Object body;
    try (InputStream in = ex.getRequestBody()) {
      body = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      send(ex, 400, error("invalid JSON: " + e.getMessage()));
      return;
    }
    if (!(body instanceof Map) || !(((Map<?, ?>) body).get("title") instanceof String)) {
      send(ex, 400, error("a note needs a title"));
      return;
    }
    Map<?, ?> m = (Map<?, ?>) body;
    String title = ((String) m.get("title")).strip();
    Object text = m.get("body");
    if (title.isEmpty()) { send(ex, 400, error("a note needs a title")); return; }
    Map<String, Object> note = store.add(title, text instanceof String ? (String) text : "");
    ex.getResponseHeaders().set("Location", "/notes/" + note.get("id"));
    send(ex, 201, note);
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(HttpExchange ex, int status, Object value) throws IOException {
    byte[] out = (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

}
