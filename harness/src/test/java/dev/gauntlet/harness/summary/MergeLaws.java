package dev.gauntlet.harness.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The laws every {@link Summary} keeps, for the modules' split tests: for the summaries {@code x},
 * {@code y}, {@code z} of three consecutive ranges of some rows and {@code all} of the whole,
 * merging is associative and commutative bit for bit, the merged three equal the whole in any
 * order, and the whole survives its encoding.
 */
public final class MergeLaws {
  private MergeLaws() {}

  /** Reads a summary back from its bytes (the summary type's {@code decode}). */
  public interface Decoder<S> {
    S decode(DataInput in) throws IOException;
  }

  public static <S extends Summary<S>> void assertLaws(S x, S y, S z, S all, Decoder<S> decoder) throws IOException {
    assertArrayEquals(x.merge(y).merge(z).bytes(), x.merge(y.merge(z)).bytes(), "associative");
    assertArrayEquals(x.merge(z).bytes(), z.merge(x).bytes(), "commutative");
    assertArrayEquals(all.bytes(), z.merge(y).merge(x).bytes(), "the parts merged in another order are the whole");
    assertArrayEquals(all.bytes(), decoder.decode(new DataInputStream(new ByteArrayInputStream(all.bytes()))).bytes(), "encode then decode");
  }
}
