package dev.gauntlet.models;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.model.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An ONNX model file with its external data (tensors stored in side files) checked and inlined:
 * a location must be a relative path that stays inside the model's folder (symbolic links
 * resolved), and every such file is part of the model's SHA-256 provenance. ONNX Runtime and
 * SameDiff get the inlined bytes, so neither ever opens a file the model names.
 */
final class OnnxFile {
  /** Protobuf messages are limited to 2 GiB; the inlined model must stay below that. */
  static final long MAX_INLINED_BYTES = Integer.MAX_VALUE - (64L << 20);

  final Path file;
  final byte[] bytes;
  final Onnx.ModelProto proto;
  final Artifact artifact;
  /** External-data files, relative to the model's folder, in name order. */
  final List<String> externalFiles;

  private OnnxFile(Path file, byte[] bytes, Onnx.ModelProto proto, Artifact artifact, List<String> externalFiles) {
    this.file = file;
    this.bytes = bytes;
    this.proto = proto;
    this.artifact = artifact;
    this.externalFiles = externalFiles;
  }

  static OnnxFile read(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": ONNX model file not found; check the path");
    } catch (IOException e) {
      throw new UsageException(file + ": cannot read the ONNX model file: " + e.getMessage(), e);
    }
    Onnx.ModelProto proto;
    try {
      proto = Onnx.ModelProto.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new UsageException(file + ": not a readable ONNX model (" + e.getMessage() + "); the file is corrupt, truncated or not ONNX", e);
    }
    Inliner in = new Inliner(file);
    Onnx.ModelProto.Builder b = proto.toBuilder();
    in.graph(b.getGraphBuilder());
    List<Path> parts = new ArrayList<>();
    parts.add(file);
    for (Path p : in.files.values()) {
      parts.add(p);
    }
    Artifact art = Artifact.ofAll(parts, "ONNX model file");
    if (in.files.isEmpty()) {
      return new OnnxFile(file, raw, proto, art, List.of());
    }
    Onnx.ModelProto inlined = b.build();
    return new OnnxFile(file, inlined.toByteArray(), inlined, art, List.copyOf(in.files.keySet()));
  }

  /** Walks every tensor of the graph (initializers, constants, subgraphs) and inlines external data. */
  private static final class Inliner {
    private final Path model;
    private final Path folder;
    private final Map<String, Path> files = new TreeMap<>();
    private long inlined;

    Inliner(Path model) {
      this.model = model;
      Path parent = model.toAbsolutePath().getParent();
      this.folder = parent == null ? Path.of("/") : parent;
    }

    void graph(Onnx.GraphProto.Builder g) {
      for (Onnx.TensorProto.Builder t : g.getInitializerBuilderList()) {
        tensor(t);
      }
      for (Onnx.SparseTensorProto.Builder s : g.getSparseInitializerBuilderList()) {
        tensor(s.getValuesBuilder());
        tensor(s.getIndicesBuilder());
      }
      for (Onnx.NodeProto.Builder n : g.getNodeBuilderList()) {
        for (Onnx.AttributeProto.Builder a : n.getAttributeBuilderList()) {
          if (a.hasT()) {
            tensor(a.getTBuilder());
          }
          for (Onnx.TensorProto.Builder t : a.getTensorsBuilderList()) {
            tensor(t);
          }
          if (a.hasSparseTensor()) {
            tensor(a.getSparseTensorBuilder().getValuesBuilder());
            tensor(a.getSparseTensorBuilder().getIndicesBuilder());
          }
          if (a.hasG()) {
            graph(a.getGBuilder());
          }
          for (Onnx.GraphProto.Builder sub : a.getGraphsBuilderList()) {
            graph(sub);
          }
        }
      }
    }

    void tensor(Onnx.TensorProto.Builder t) {
      if (t.getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) {
        return;
      }
      String location = null;
      long offset = 0;
      long length = -1;
      for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
        switch (e.getKey()) {
          case "location" -> location = e.getValue();
          case "offset" -> offset = number(t, e);
          case "length" -> length = number(t, e);
          default -> { } // checksum and others: informative
        }
      }
      if (location == null || location.isEmpty()) {
        throw new UsageException(model + ": tensor '" + t.getName() + "' keeps its data outside the model but names no location");
      }
      Path file = resolve(t.getName(), location);
      byte[] data = readRange(t.getName(), location, file, offset, length);
      files.put(folder.relativize(file.normalize()).toString(), file);
      t.setRawData(ByteString.copyFrom(data));
      t.clearExternalData();
      t.setDataLocation(Onnx.TensorProto.DataLocation.DEFAULT);
    }

    private long number(Onnx.TensorProto.Builder t, Onnx.StringStringEntryProto e) {
      try {
        long v = Long.parseLong(e.getValue());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // refused below
      }
      throw new UsageException(model + ": tensor '" + t.getName() + "' has external data " + e.getKey() + " '" + e.getValue()
          + "'; expected a non-negative integer");
    }

    /** A relative path inside the model's folder, after symbolic links are resolved. */
    private Path resolve(String tensor, String location) {
      String why = null;
      Path rel;
      try {
        rel = Path.of(location);
      } catch (java.nio.file.InvalidPathException e) {
        rel = null;
        why = "is not a valid path";
      }
      if (why == null && (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*"))) {
        why = "is an absolute path";
      }
      Path resolved = null;
      if (why == null) {
        resolved = folder.resolve(rel).normalize();
        if (!resolved.startsWith(folder.normalize()) || location.contains("..")) {
          why = "leaves the model's folder";
        }
      }
      if (why == null) {
        try {
          if (!resolved.toRealPath().startsWith(folder.toRealPath())) {
            why = "leaves the model's folder (through a symbolic link)";
          } else if (!Files.isRegularFile(resolved)) {
            why = "is not a regular file";
          }
        } catch (NoSuchFileException e) {
          throw new UsageException(model + ": tensor '" + tensor + "' keeps its data in '" + location + "', which does not exist; "
              + "copy the external-data file next to the model");
        } catch (IOException e) {
          throw new UsageException(model + ": cannot read the external data '" + location + "' of tensor '" + tensor + "': " + e.getMessage(), e);
        }
      }
      if (why != null) {
        throw new UsageException(model + ": tensor '" + tensor + "' keeps its data in '" + location + "', which " + why
            + "; Gauntlet reads external data only from files inside the model's folder, named by relative paths");
      }
      return resolved;
    }

    private byte[] readRange(String tensor, String location, Path file, long offset, long length) {
      try {
        long size = Files.size(file);
        long n = length >= 0 ? length : size - offset;
        if (offset > size || n < 0 || offset + n > size) {
          throw new UsageException(model + ": tensor '" + tensor + "' reads bytes " + offset + " to " + (offset + n) + " of '" + location
              + "', which has " + size + " bytes");
        }
        inlined += n;
        if (inlined > MAX_INLINED_BYTES) {
          throw new UsageException(model + ": the external data adds up to more than " + MAX_INLINED_BYTES
              + " bytes; Gauntlet loads ONNX models of up to 2 GB");
        }
        try (InputStream in = Files.newInputStream(file)) {
          in.skipNBytes(offset);
          return in.readNBytes((int) n);
        }
      } catch (IOException e) {
        throw new UsageException(model + ": cannot read the external data '" + location + "' of tensor '" + tensor + "': " + e.getMessage(), e);
      }
    }
  }
}
