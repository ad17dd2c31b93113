package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * Spark's Kryo works on Gauntlet's classpath. XGBoost's JVM package brings Kryo 5, whose classes
 * share Kryo 4's packages (Spark's kryo-shaded): with both on the classpath every Kryo-serialised
 * block (Spark picks Kryo for primitive and string blocks itself) failed with a NoSuchMethodError
 * (FieldSerializer.setIgnoreSyntheticFields), which first showed at 100M rows, when partitions were
 * serialised. Gauntlet keeps Spark's Kryo only.
 */
class SparkKryoTest {

  @Test
  void sparksKryoSerialiserRoundTripsOnGauntletsClasspath() {
    SerializerInstance kryo = new KryoSerializer(Sessions.shared().sparkContext().getConf()).newInstance();
    double[] values = {1.5, -2.25, Double.MIN_VALUE};
    ByteBuffer bytes = kryo.serialize(values, ClassTag$.MODULE$.apply(double[].class));
    double[] back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(double[].class));
    assertArrayEquals(values, back);
  }
}
