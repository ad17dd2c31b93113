package dev.gauntlet.harness;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The harness core (data, schema, checks, gate, summaries, renderers) does not depend on ND4J or
 * DL4J, so a Spark executor scoring an ONNX model, or a precomputed audit, never loads their
 * natives. The harness's test class path is its own dependencies: if one of them brings ND4J back,
 * these classes become loadable and the test fails.
 */
class NoTensorLibraryTest {

  @Test
  void nd4jAndDl4jAreNotOnTheHarnessClassPath() {
    for (String name : new String[] {"org.nd4j.linalg.factory.Nd4j", "org.nd4j.linalg.api.ndarray.INDArray",
        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork", "org.bytedeco.openblas.global.openblas"}) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, getClass().getClassLoader()), name);
    }
  }
}
