/**
 * Adapters for models trained outside the JVM: ONNX models run by ONNX Runtime (with input gradients
 * from a SameDiff import of the same graph, or estimated from queries) and Keras HDF5 models imported
 * into DL4J. They are published to YAML suites as the model types {@code onnx} and {@code keras}.
 */
package dev.gauntlet.models;
