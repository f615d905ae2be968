package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Certificates and keys as openssl writes them become a key store Jetty can serve with. */
class PemKeyStoreTest {
  @TempDir Path dir;

  static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  /** A self-signed certificate for 127.0.0.1 and localhost, with its key in {@code key.pem}. */
  static void selfSigned(Path dir, String keyType) throws Exception {
    List<String> newKey = switch (keyType) {
      case "ec" -> List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
      case "ed25519" -> List.of("-newkey", "ed25519");
      default -> List.of("-newkey", "rsa:2048");
    };
    List<String> args = new java.util.ArrayList<>(List.of("req", "-x509"));
    args.addAll(newKey);
    args.addAll(List.of("-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"));
    openssl(dir, args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "ec", "ed25519"})
  void readsPkcs8Keys(String type) throws Exception {
    selfSigned(dir, type);
    assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN PRIVATE KEY");
    KeyStore ks = PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    assertThat(ks.isKeyEntry(PemKeyStore.ALIAS)).isTrue();
    assertThat(ks.getCertificateChain(PemKeyStore.ALIAS)).hasSize(1);
  }

  @Test
  void readsRsaKeysInPkcs1() throws Exception {
    selfSigned(dir, "rsa");
    openssl(dir, "rsa", "-in", "key.pem", "-traditional", "-out", "rsa.pem");
    assertThat(Files.readString(dir.resolve("rsa.pem"))).contains("BEGIN RSA PRIVATE KEY");
    KeyStore ks = PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("rsa.pem"));
    assertThat(ks.getKey(PemKeyStore.ALIAS, PemKeyStore.PASSWORD).getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void refusesAFileWithoutAKey() throws Exception {
    selfSigned(dir, "ec");
    assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("cert.pem"), dir.resolve("cert.pem")))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("no private key");
  }
}
