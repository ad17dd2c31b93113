package dev.gauntlet.spark;

import dev.gauntlet.harness.data.Column;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.Table;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A slice of a partition's table, with each row's source position, as bytes from an executor to the driver (exact: values as their bits). */
final class TableCodec {
  private TableCodec() {}

  record Decoded(Table table, long[] positions) {}

  static byte[] encode(Table t, long[] positions) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      int n = t.rowCount();
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeLong(positions[i]);
      }
      for (ColumnSpec spec : t.schema().columns()) {
        Column c = t.column(spec.name());
        if (c instanceof Column.Numeric x) {
          out.writeByte(0);
          for (double v : x.values()) {
            out.writeLong(Double.doubleToRawLongBits(v));
          }
        } else if (c instanceof Column.Categorical x) {
          out.writeByte(1);
          out.writeInt(x.levels().size());
          for (String l : x.levels()) {
            out.writeUTF(l);
          }
          for (int v : x.codes()) {
            out.writeInt(v);
          }
        } else if (c instanceof Column.Timestamp x) {
          out.writeByte(2);
          for (long v : x.epochSeconds()) {
            out.writeLong(v);
          }
        } else if (c instanceof Column.Text x) {
          out.writeByte(3);
          for (String v : x.values()) {
            writeText(out, v);
          }
        }
      }
      Table.Origin o = t.origin();
      out.writeBoolean(o != null);
      if (o != null) {
        writeText(out, o.file());
        for (int l : o.lines()) {
          out.writeInt(l);
        }
        out.writeInt(o.columns().size());
        for (Map.Entry<String, Integer> e : o.columns().entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  static Decoded decode(Schema schema, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      long[] pos = new long[n];
      for (int i = 0; i < n; i++) {
        pos[i] = in.readLong();
      }
      List<Column> cols = new ArrayList<>();
      for (ColumnSpec spec : schema.columns()) {
        int tag = in.readByte();
        switch (tag) {
          case 0 -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
              v[i] = Double.longBitsToDouble(in.readLong());
            }
            cols.add(new Column.Numeric(spec.name(), v));
          }
          case 1 -> {
            int k = in.readInt();
            List<String> levels = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
              levels.add(in.readUTF());
            }
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
              v[i] = in.readInt();
            }
            cols.add(new Column.Categorical(spec.name(), v, levels));
          }
          case 2 -> {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
              v[i] = in.readLong();
            }
            cols.add(new Column.Timestamp(spec.name(), v));
          }
          case 3 -> {
            String[] v = new String[n];
            for (int i = 0; i < n; i++) {
              v[i] = readText(in);
            }
            cols.add(new Column.Text(spec.name(), v));
          }
          default -> throw new IllegalStateException("column tag " + tag);
        }
      }
      Table.Origin origin = null;
      if (in.readBoolean()) {
        String file = readText(in);
        int[] lines = new int[n];
        for (int i = 0; i < n; i++) {
          lines[i] = in.readInt();
        }
        int k = in.readInt();
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
          columns.put(in.readUTF(), in.readInt());
        }
        origin = new Table.Origin(file, lines, columns);
      }
      return new Decoded(new Table(schema, cols, null, origin), pos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A string of any length, or null. */
  private static void writeText(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(DataInputStream in) throws IOException {
    int k = in.readInt();
    if (k < 0) {
      return null;
    }
    byte[] b = new byte[k];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
