package io.cairn.discovery;

import java.nio.file.Path;

/** Test certificates made with openssl, for tests in other packages. */
public final class PemFixtures {
  private PemFixtures() {}

  /** Writes {@code cert.pem} (self-signed, for 127.0.0.1 and localhost) and {@code key.pem} into {@code dir}. */
  public static void selfSigned(Path dir) throws Exception {
    PemKeyStoreTest.selfSigned(dir, "ec");
  }
}
