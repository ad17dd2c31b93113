package dev.gauntlet.harness.data;

import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader: fields separated by one delimiter character, optionally enclosed in double
 * quotes; inside quotes the delimiter and line breaks are data and {@code ""} is one quote. Records
 * end at CRLF, LF or CR. Each record knows the line it started on, for error messages.
 *
 * <p>Not thread-safe; one reader per file.
 */
public final class CsvReader implements AutoCloseable {
  private final Reader in;
  private final char delimiter;
  private final String file;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int len;
  private int line = 1;
  private int recordLine;
  private boolean eof;

  public CsvReader(Reader in, char delimiter, String file) {
    this.in = in;
    this.delimiter = delimiter;
    this.file = file;
  }

  /** The line (1-based) on which the record last returned by {@link #next()} started. */
  public int recordLine() {
    return recordLine;
  }

  private int read() throws IOException {
    if (pos == len) {
      if (eof) {
        return -1;
      }
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        eof = true;
        len = 0;
        return -1;
      }
    }
    return buf[pos++];
  }

  private int peek() throws IOException {
    int c = read();
    if (c >= 0) {
      pos--;
    }
    return c;
  }

  /** The next record's fields, or null at the end of the input. A blank line is a record of one empty field. */
  public String[] next() {
    try {
      int c = read();
      if (c < 0) {
        return null;
      }
      recordLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean afterQuote = false;
      boolean fieldStart = true;
      int quoteLine = 0;
      while (true) {
        if (c < 0) {
          if (quoted) {
            throw UsageException.at(file, quoteLine, 0, "a quoted field opened here is never closed; add the closing \"");
          }
          fields.add(field.toString());
          return fields.toArray(String[]::new);
        }
        char ch = (char) c;
        if (quoted) {
          if (ch == '"') {
            if (peek() == '"') {
              read();
              field.append('"');
            } else {
              quoted = false;
              afterQuote = true;
            }
          } else {
            if (ch == '\n' || (ch == '\r' && peek() != '\n')) {
              line++;
            }
            field.append(ch);
          }
        } else if (ch == delimiter) {
          fields.add(field.toString());
          field.setLength(0);
          afterQuote = false;
          fieldStart = true;
          c = read();
          continue;
        } else if (ch == '\n' || ch == '\r') {
          if (ch == '\r' && peek() == '\n') {
            read();
          }
          line++;
          fields.add(field.toString());
          return fields.toArray(String[]::new);
        } else if (ch == '"' && fieldStart) {
          quoted = true;
          quoteLine = line;
        } else if (afterQuote) {
          throw UsageException.at(file, line, fields.size() + 1,
              "unexpected character '" + ch + "' after a closing quote; a quoted field must end at a delimiter or line end");
        } else {
          field.append(ch);
        }
        fieldStart = false;
        c = read();
      }
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Writes one field, quoting it when it holds the delimiter, a quote or a line break. */
  public static String quote(String field, char delimiter) {
    if (field.indexOf(delimiter) < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
