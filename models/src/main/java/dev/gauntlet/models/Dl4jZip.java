package dev.gauntlet.models;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.UsageException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a DL4J model zip (as {@code ModelSerializer.writeModel} writes it) without trusting it:
 * bounded entry count and sizes (declared and actual), flat entry names, a configuration whose
 * polymorphic type names are DL4J/ND4J configuration classes only, a parameter header checked
 * against the configuration's parameter count before anything is allocated, and no Java
 * deserialization except through a strict {@link ObjectInputFilter} allow-list.
 *
 * <p>DL4J's own {@code ModelSerializer.restore*} is never called: it runs {@code readObject} on
 * {@code preprocessor.bin} unfiltered and allocates whatever the parameter header claims.
 */
final class Dl4jZip {
  static final int MAX_ENTRIES = 64;
  static final long MAX_CONFIG_BYTES = 16L << 20;
  static final long MAX_SERIALIZED_BYTES = 1L << 20;
  /** Largest parameter count loaded; {@code -Dgauntlet.model.maxParams} overrides it. */
  static final long DEFAULT_MAX_PARAMS = 250_000_000L;
  private static final int MAX_RANK = 32;

  /** Packages whose classes DL4J's configuration JSON may name (checked before any class is loaded). */
  private static final List<String> CONFIG_PACKAGES = List.of(
      "org.deeplearning4j.nn.conf.", "org.deeplearning4j.nn.weights.", "org.deeplearning4j.nn.modelimport.keras.",
      "org.nd4j.linalg.activations.", "org.nd4j.linalg.lossfunctions.", "org.nd4j.linalg.learning.config.",
      "org.nd4j.linalg.learning.regularization.", "org.nd4j.linalg.schedule.");
  /** Base types those classes must implement: layers, vertices, activations, losses, updaters, ... */
  private static final List<String> CONFIG_BASE_TYPES = List.of(
      "org.deeplearning4j.nn.conf.layers.Layer", "org.deeplearning4j.nn.conf.graph.GraphVertex",
      "org.deeplearning4j.nn.conf.InputPreProcessor", "org.deeplearning4j.nn.conf.inputs.InputType",
      "org.deeplearning4j.nn.api.layers.LayerConstraint", "org.deeplearning4j.nn.conf.dropout.IDropout",
      "org.deeplearning4j.nn.conf.weightnoise.IWeightNoise", "org.deeplearning4j.nn.conf.distribution.Distribution",
      "org.deeplearning4j.nn.conf.stepfunctions.StepFunction", "org.deeplearning4j.nn.weights.IWeightInit",
      "org.deeplearning4j.nn.conf.layers.variational.ReconstructionDistribution",
      "org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer",
      "org.nd4j.linalg.activations.IActivation", "org.nd4j.linalg.lossfunctions.ILossFunction",
      "org.nd4j.linalg.learning.config.IUpdater", "org.nd4j.linalg.learning.regularization.Regularization",
      "org.nd4j.linalg.schedule.ISchedule");
  private static final java.util.regex.Pattern CLASS_NAME =
      java.util.regex.Pattern.compile("([a-zA-Z_$][a-zA-Z0-9_$]*\\.)+[a-zA-Z_$][a-zA-Z0-9_$]*");
  /** Normalizer types NormalizerSerializer writes with a built-in strategy (CUSTOM names a class to instantiate). */
  private static final Set<String> NORMALIZER_TYPES = Set.of(
      "STANDARDIZE", "MIN_MAX", "IMAGE_MIN_MAX", "IMAGE_VGG16", "MULTI_STANDARDIZE", "MULTI_MIN_MAX", "MULTI_HYBRID");
  /** Data types a parameter vector can have. */
  private static final Set<String> PARAM_TYPES = Set.of("FLOAT", "DOUBLE", "HALF", "BFLOAT16");

  private Dl4jZip() {}

  /** What a model zip holds, validated; exactly one of the two configurations is set. */
  record Contents(MultiLayerConfiguration mln, ComputationGraphConfiguration graph, INDArray params) {}

  static long maxParams() {
    return Long.getLong("gauntlet.model.maxParams", DEFAULT_MAX_PARAMS);
  }

  static Contents read(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      int n = 0;
      for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements();) {
        ZipEntry e = en.nextElement();
        if (++n > MAX_ENTRIES) {
          throw new UsageException(zip + ": the model zip has more than " + MAX_ENTRIES
              + " entries; a DL4J model zip has configuration.json, coefficients.bin and a few optional entries");
        }
        String name = e.getName();
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.isEmpty()) {
          throw new UsageException(zip + ": the model zip has an entry with a nested path '" + printable(name)
              + "'; a DL4J model zip holds flat entries only (configuration.json, coefficients.bin, ...)");
        }
      }
      ZipEntry confEntry = z.getEntry("configuration.json");
      ZipEntry coefEntry = z.getEntry("coefficients.bin");
      if (confEntry == null || coefEntry == null) {
        throw new UsageException(zip + ": not a DL4J model zip (it has no configuration.json and coefficients.bin); save models with ModelSerializer.writeModel");
      }
      String json = new String(readBounded(z, confEntry, MAX_CONFIG_BYTES, zip), StandardCharsets.UTF_8);
      JsonNode tree = parseJson(json, zip);
      checkTypeNames(tree, zip);
      boolean isGraph = tree.has("vertices");
      MultiLayerConfiguration mlc = null;
      ComputationGraphConfiguration cgc = null;
      long expected;
      try {
        if (isGraph) {
          cgc = ComputationGraphConfiguration.fromJson(json);
          expected = numParams(cgc, zip);
        } else {
          mlc = MultiLayerConfiguration.fromJson(json);
          expected = numParams(mlc, zip);
        }
      } catch (UsageException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new UsageException(zip + ": configuration.json is not a DL4J " + (isGraph ? "ComputationGraph" : "MultiLayerNetwork")
            + " configuration DL4J 1.0.0-M2.1 can read (" + rootMessage(e) + ")", e);
      }
      for (String optional : List.of("preprocessor.bin", "normalizer.bin")) {
        ZipEntry e = z.getEntry(optional);
        if (e != null) {
          checkSerialized(readBounded(z, e, MAX_SERIALIZED_BYTES, zip), optional, zip);
        }
      }
      INDArray params = null;
      if (coefEntry.getSize() == 0 && z.getEntry("noParams.marker") != null) {
        if (expected != 0) {
          throw new UsageException(zip + ": the model has no parameters (noParams.marker) but its configuration needs " + expected);
        }
      } else {
        params = readParams(z, coefEntry, expected, zip);
      }
      return new Contents(mlc, cgc, params);
    }
  }

  // ---- bounded reading ----

  /** Reads an entry whole, refusing declared or actual uncompressed sizes above {@code max}. */
  static byte[] readBounded(ZipFile z, ZipEntry e, long max, Path zip) throws IOException {
    if (e.getSize() > max) {
      throw tooLarge(zip, e.getName(), e.getSize() + " bytes declared", max);
    }
    try (InputStream in = z.getInputStream(e)) {
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        throw tooLarge(zip, e.getName(), "more than " + max + " bytes when decompressed", max);
      }
      if (e.getSize() >= 0 && b.length != e.getSize()) {
        throw new UsageException(zip + ": entry " + e.getName() + " declares " + e.getSize() + " bytes but holds " + b.length
            + "; the model zip is corrupt or was tampered with");
      }
      return b;
    }
  }

  private static UsageException tooLarge(Path zip, String entry, String size, long max) {
    return new UsageException(zip + ": entry " + entry + " is too large (" + size + "; the limit is " + max
        + " bytes); the model zip is corrupt or a decompression bomb");
  }

  /** An input stream that refuses to deliver more than {@code limit} bytes. */
  static final class Bounded extends FilterInputStream {
    private long left;
    private final Path zip;
    private final String entry;

    Bounded(InputStream in, long limit, Path zip, String entry) {
      super(in);
      this.left = limit;
      this.zip = zip;
      this.entry = entry;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        if (super.read() >= 0) {
          throw new UsageException(zip + ": entry " + entry + " holds more bytes than its header describes; the model zip is corrupt");
        }
        return -1;
      }
      int r = super.read(b, off, (int) Math.min(len, left));
      if (r > 0) {
        left -= r;
      }
      return r;
    }
  }

  // ---- configuration ----

  private static JsonNode parseJson(String json, Path zip) {
    ObjectMapper m = new ObjectMapper();
    m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    m.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    try {
      return m.readTree(json);
    } catch (IOException e) {
      throw new UsageException(zip + ": configuration.json is not valid JSON (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /**
   * Every {@code @class} must name a DL4J/ND4J configuration class; any other key or string value
   * that names a class outside those packages is refused too (other type-id styles).
   */
  static void checkTypeNames(JsonNode node, Path zip) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().startsWith("@")) {
          if (!f.getValue().isTextual() || !isConfigClass(f.getValue().asText())) {
            throw foreignClass(zip, f.getValue().asText());
          }
        } else if (looksForeign(f.getKey())) {
          throw foreignClass(zip, f.getKey());
        }
        checkTypeNames(f.getValue(), zip);
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) {
        checkTypeNames(c, zip);
      }
    } else if (node.isTextual() && looksForeign(node.asText())) {
      throw foreignClass(zip, node.asText());
    }
  }

  private static UsageException foreignClass(Path zip, String name) {
    return new UsageException(zip + ": configuration.json names the class " + printable(name)
        + ", which is not a DL4J/ND4J configuration class (layer, vertex, activation, loss, updater, weight init, schedule, constraint...); Gauntlet does not load it");
  }

  private static boolean inConfigPackage(String name) {
    return CONFIG_PACKAGES.stream().anyMatch(name::startsWith);
  }

  /** In an allowed package and a subtype of a configuration base type; loaded without initialisation. */
  static boolean isConfigClass(String name) {
    if (!CLASS_NAME.matcher(name).matches() || !inConfigPackage(name)) {
      return false;
    }
    ClassLoader cl = Dl4jZip.class.getClassLoader();
    try {
      Class<?> c = Class.forName(name, false, cl);
      for (String base : CONFIG_BASE_TYPES) {
        try {
          if (Class.forName(base, false, cl).isAssignableFrom(c)) {
            return true;
          }
        } catch (ClassNotFoundException ignored) {
          // a base type of an optional module
        }
      }
      return false;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** A string that names an existing class outside the allowed packages (a layer name like "dense_1" does not). */
  private static boolean looksForeign(String s) {
    if (s.length() > 300 || !CLASS_NAME.matcher(s).matches() || inConfigPackage(s)) {
      return false;
    }
    try {
      Class.forName(s, false, Dl4jZip.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  // ---- parameter count ----

  static long numParams(MultiLayerConfiguration conf, Path zip) {
    long total = 0;
    for (NeuralNetConfiguration c : conf.getConfs()) {
      total = add(total, layerParams(c, zip), zip);
    }
    return total;
  }

  static long numParams(ComputationGraphConfiguration conf, Path zip) {
    long total = 0;
    for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> v : conf.getVertices().entrySet()) {
      if (v.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
        total = add(total, layerParams(lv.getLayerConf(), zip), zip);
      } else {
        total = add(total, v.getValue().numParams(true), zip);
      }
    }
    return total;
  }

  private static long layerParams(NeuralNetConfiguration c, Path zip) {
    org.deeplearning4j.nn.conf.layers.Layer l = c.getLayer();
    if (l instanceof FeedForwardLayer ff && (ff.getNIn() < 0 || ff.getNOut() < 0 || ff.getNIn() > maxParams() || ff.getNOut() > maxParams())) {
      throw new UsageException(zip + ": layer '" + l.getLayerName() + "' has nIn " + ff.getNIn() + " and nOut " + ff.getNOut()
          + "; the limit is " + maxParams() + " (-Dgauntlet.model.maxParams)");
    }
    return l.initializer().numParams(c);
  }

  private static long add(long total, long n, Path zip) {
    long max = maxParams();
    if (n < 0 || n > max || total + n > max) {
      throw new UsageException(zip + ": the configuration needs " + (n < 0 ? "a negative number of" : "more than " + max)
          + " parameters; Gauntlet loads models of up to " + max + " parameters (-Dgauntlet.model.maxParams)");
    }
    return total + n;
  }

  // ---- parameters ----

  /** Parses ND4J's header (Nd4j.write), checks it against the configuration, and only then reads the array. */
  static INDArray readParams(ZipFile z, ZipEntry e, long expected, Path zip) throws IOException {
    long headerBytes;
    long length;
    int width;
    try (InputStream raw = z.getInputStream(e)) {
      CountingStream counted = new CountingStream(new Bounded(raw, 1 << 16, zip, e.getName()));
      DataInputStream in = new DataInputStream(counted);
      String mode = in.readUTF();
      checkMode(mode, zip);
      long shapeLength = in.readLong();
      if (shapeLength < 4 || shapeLength > 2L * MAX_RANK + 4) {
        throw badHeader(zip, "a shape descriptor of " + shapeLength + " values");
      }
      String shapeType = in.readUTF();
      if (!shapeType.equals("LONG") && !shapeType.equals("INT")) {
        throw badHeader(zip, "shape values of type " + printable(shapeType));
      }
      long[] info = new long[(int) shapeLength];
      for (int i = 0; i < info.length; i++) {
        info[i] = shapeType.equals("LONG") ? in.readLong() : in.readInt();
      }
      long rank = info[0];
      if (rank < 0 || rank > MAX_RANK || shapeLength != 2 * rank + 4) {
        throw badHeader(zip, "rank " + rank);
      }
      long product = 1;
      for (int i = 1; i <= rank; i++) {
        if (info[i] < 0 || (info[i] > 0 && product > Long.MAX_VALUE / info[i])) {
          throw badHeader(zip, "shape dimension " + info[i]);
        }
        product *= info[i];
      }
      checkMode(in.readUTF(), zip);
      length = in.readLong();
      String type = in.readUTF();
      if (!PARAM_TYPES.contains(type)) {
        throw badHeader(zip, "parameters of data type " + printable(type) + " (expected one of " + PARAM_TYPES + ")");
      }
      if (length != product) {
        throw new UsageException(zip + ": coefficients.bin claims " + length + " values for a shape of " + product
            + "; the model zip is corrupt or was tampered with");
      }
      if (length != expected) {
        throw new UsageException(zip + ": coefficients.bin claims " + length + " " + type.toLowerCase(java.util.Locale.ROOT)
            + " parameters but the configuration needs " + expected + "; the model zip is corrupt or was tampered with");
      }
      width = DataType.valueOf(type).width();
      headerBytes = counted.count;
    } catch (EOFException ex) {
      throw new UsageException(zip + ": coefficients.bin ends inside its header; the model zip is truncated or corrupt", ex);
    }
    long total = headerBytes + length * width;
    if (e.getSize() >= 0 && e.getSize() != total) {
      throw new UsageException(zip + ": coefficients.bin declares " + e.getSize() + " bytes but its header describes " + total
          + " (" + length + " values of " + width + " bytes); the model zip is corrupt or was tampered with");
    }
    try (InputStream raw = z.getInputStream(e);
        DataInputStream in = new DataInputStream(new BufferedInputStream(new Bounded(raw, total, zip, e.getName())))) {
      return Nd4j.read(in);
    } catch (EOFException ex) {
      throw new UsageException(zip + ": coefficients.bin holds fewer than the " + total + " bytes its header describes; the model zip is truncated", ex);
    }
  }

  private static void checkMode(String mode, Path zip) {
    if (!mode.equals("MIXED_DATA_TYPES") && !mode.equals("LONG_SHAPE")) {
      throw badHeader(zip, "allocation mode " + printable(mode)
          + " (DL4J 1.0.0-beta and later write MIXED_DATA_TYPES); re-save the model with DL4J 1.0.0-M2.1");
    }
  }

  private static UsageException badHeader(Path zip, String what) {
    return new UsageException(zip + ": coefficients.bin is not an ND4J array Gauntlet can read (its header has " + what + ")");
  }

  static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int r = super.read();
      if (r >= 0) {
        count++;
      }
      return r;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int r = super.read(b, off, len);
      if (r > 0) {
        count += r;
      }
      return r;
    }
  }

  // ---- serialized objects ----

  /**
   * preprocessor.bin and normalizer.bin are never used by Gauntlet; they are only checked. Java
   * serialization is read through {@link #FILTER}; NormalizerSerializer's format is accepted for its
   * built-in normalizer types (its CUSTOM type names a class it would instantiate).
   */
  static void checkSerialized(byte[] b, String entry, Path zip) throws IOException {
    if (b.length >= 2 && (b[0] & 0xff) == 0xac && (b[1] & 0xff) == 0xed) {
      Filter filter = new Filter();
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
        in.setObjectInputFilter(filter);
        in.readObject();
      } catch (InvalidClassException e) {
        if (filter.rejected != null) {
          throw new UsageException(zip + ": this model file carries serialized Java objects " + filter.rejected
              + " in " + entry + ", which Gauntlet does not load", e);
        }
        throw new UsageException(zip + ": " + entry + " holds serialized Java objects Gauntlet cannot read (" + e.getMessage() + ")", e);
      } catch (ClassNotFoundException | IOException | RuntimeException e) {
        throw new UsageException(zip + ": " + entry + " holds serialized Java objects Gauntlet cannot read (" + e + ")", e);
      }
      return;
    }
    if (entry.equals("normalizer.bin")) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
        String magic = in.readUTF();
        in.readInt();
        String type = in.readUTF();
        if (magic.equals("NORMALIZER") && NORMALIZER_TYPES.contains(type)) {
          return;
        }
        if (magic.equals("NORMALIZER") && type.equals("CUSTOM")) {
          throw new UsageException(zip + ": normalizer.bin names a custom normalizer strategy of class " + printable(in.readUTF())
              + ", which Gauntlet does not load");
        }
      } catch (IOException | IllegalArgumentException e) {
        // falls through to the refusal
      }
    }
    throw new UsageException(zip + ": " + entry + " is neither Java serialization nor a DL4J normalizer Gauntlet recognises; re-save the model with ModelSerializer");
  }

  /**
   * The allow-list: DL4J/ND4J data-set preprocessors and normalizers of the preprocessor packages,
   * their enums, Strings, boxed primitives and primitive arrays; bounded depth, references, array
   * lengths and bytes. INDArray fields (which allocate native memory as the stream says) are refused.
   */
  static final class Filter implements ObjectInputFilter {
    static final long MAX_DEPTH = 8;
    static final long MAX_REFS = 10_000;
    static final long MAX_ARRAY = 100_000;
    String rejected;

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > MAX_DEPTH) {
        return reject("nested " + info.depth() + " levels deep (the limit is " + MAX_DEPTH + ")");
      }
      if (info.references() > MAX_REFS) {
        return reject("with more than " + MAX_REFS + " references");
      }
      if (info.arrayLength() > MAX_ARRAY) {
        return reject("with an array of " + info.arrayLength() + " elements (the limit is " + MAX_ARRAY + ")");
      }
      if (info.streamBytes() > MAX_SERIALIZED_BYTES) {
        return reject("of more than " + MAX_SERIALIZED_BYTES + " bytes");
      }
      Class<?> c = info.serialClass();
      if (c == null) {
        return Status.UNDECIDED;
      }
      Class<?> base = c;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      if (base.isPrimitive() || base == String.class || base == Enum.class || allowedClass(base)
          || (Number.class.isAssignableFrom(base) && base.getName().startsWith("java.lang.")) || base == Boolean.class
          || base == Character.class) {
        return Status.ALLOWED;
      }
      return reject("of class " + c.getName());
    }

    private Status reject(String why) {
      if (rejected == null) {
        rejected = why;
      }
      return Status.REJECTED;
    }

    private static boolean allowedClass(Class<?> c) {
      String n = c.getName();
      return n.startsWith("org.nd4j.linalg.dataset.api.preprocessor.") && !n.contains("serializer")
          && (org.nd4j.linalg.dataset.api.DataSetPreProcessor.class.isAssignableFrom(c)
              || org.nd4j.linalg.dataset.api.preprocessor.Normalizer.class.isAssignableFrom(c) || c.isEnum());
    }
  }

  // ---- messages ----

  static String printable(String s) {
    String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return firstLine(String.valueOf(r.getMessage()));
  }
}
