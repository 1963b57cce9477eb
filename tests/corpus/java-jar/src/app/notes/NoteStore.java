package notes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import json.Json;

/** Notes kept in memory and written to DIR/notes.json after every change (atomically). */
final class NoteStore {
  private final Path file;
  private final Map<Long, Map<String, Object>> notes = new LinkedHashMap<>();
  private long next = 1;

  NoteStore(Path dir) throws IOException {
    Files.createDirectories(dir);
    file = dir.resolve("notes.json");
    if (Files.exists(file)) {
      Object saved = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      for (Object o : (List<?>) saved) {
        @SuppressWarnings("unchecked")
        Map<String, Object> note = (Map<String, Object>) o;
        long id = (Long) note.get("id");
        notes.put(id, note);
        next = Math.max(next, id + 1);
      }
    }
  }

  synchronized List<Object> all() { return new ArrayList<>(notes.values()); }

  synchronized Map<String, Object> get(long id) { return notes.get(id); }

  synchronized Map<String, Object> add(String title, String body) {
    Map<String, Object> note = new LinkedHashMap<>();
    note.put("id", next);
    note.put("title", title);
    note.put("body", body);
    note.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    notes.put(next++, note);
    save();
    return note;
  }

  synchronized void delete(long id) {
    notes.remove(id);
    save();
  }

  private void save() {
    try {
      Path tmp = file.resolveSibling("notes.json.tmp");
      Files.writeString(tmp, Json.write(all()), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
