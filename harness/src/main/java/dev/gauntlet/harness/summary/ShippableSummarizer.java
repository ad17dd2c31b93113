package dev.gauntlet.harness.summary;

/**
 * A {@link Summarizer} that can travel to another JVM (a Spark executor) by Java serialisation: it
 * captures only serialisable values (the check's parameters, column names, the schema's specs),
 * never the driver's table or predictions. A lambda written for this type is serialisable; what it
 * captures must be too. An engine that summarises in other JVMs refuses any other summariser
 * ({@link UnshippableSummarizerException}).
 *
 * @param <S> the summary type
 * @since 0.4
 */
@FunctionalInterface
public interface ShippableSummarizer<S extends Summary<S>> extends Summarizer<S>, java.io.Serializable {}
