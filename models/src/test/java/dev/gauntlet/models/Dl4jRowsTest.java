package dev.gauntlet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The bulk matrix copy reads the same values as ND4J's element-wise {@code toDoubleMatrix}. */
class Dl4jRowsTest {

  @Test
  void bulkCopyMatchesElementWiseReadsForViewsAndFloats() {
    INDArray base = Nd4j.create(new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
    assertArrayEquals(base.toDoubleMatrix(), Dl4jModel.rows(base));
    INDArray transposed = base.transpose();
    assertArrayEquals(new double[][] {{1, 5, 9}, {2, 6, 10}, {3, 7, 11}, {4, 8, 12}}, Dl4jModel.rows(transposed));
    INDArray slice = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
    assertArrayEquals(new double[][] {{6, 7}, {10, 11}}, Dl4jModel.rows(slice));
    assertArrayEquals(new double[][] {{1.5, 2.5}}, Dl4jModel.rows(Nd4j.create(new float[][] {{1.5f, 2.5f}}).castTo(DataType.FLOAT)));
  }
}
