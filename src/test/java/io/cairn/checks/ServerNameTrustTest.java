package io.cairn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The name check of an HTTP check's TLSServerName, on certificates keytool makes here. */
class ServerNameTrustTest {
  @TempDir Path dir;

  private X509Certificate cert(String cn, String san) throws Exception {
    Path ks = dir.resolve(cn.replace('*', 'w') + ".p12");
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "c", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=" + cn,
        "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "secret123", "-keypass", "secret123"));
    if (san != null) cmd.addAll(List.of("-ext", "SAN=" + san));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(said).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "secret123".toCharArray());
    }
    return (X509Certificate) store.getCertificate("c");
  }

  private static ServerNameTrust matcher(String name) throws Exception {
    return new ServerNameTrust(ServerNameTrust.roots(), name);
  }

  @Test
  void theNameIsCheckedAgainstTheAlternativeNamesThenTheCommonName() throws Exception {
    X509Certificate sans = cert("ignored.example", "dns:db.internal,dns:*.svc.example,ip:10.1.2.3");
    assertThat(matcher("db.internal").matches(sans)).isTrue();
    assertThat(matcher("DB.Internal").matches(sans)).as("names compare without case").isTrue();
    assertThat(matcher("api.svc.example").matches(sans)).as("a wildcard covers one label").isTrue();
    assertThat(matcher("a.b.svc.example").matches(sans)).as("and only one").isFalse();
    assertThat(matcher("10.1.2.3").matches(sans)).isTrue();
    assertThat(matcher("ignored.example").matches(sans)).as("with DNS alternative names, the CN does not count").isFalse();
    assertThat(matcher("other.internal").matches(sans)).isFalse();
    X509Certificate cnOnly = cert("legacy.example", null);
    assertThat(matcher("legacy.example").matches(cnOnly)).isTrue();
    assertThat(matcher("evil.example").matches(cnOnly)).isFalse();
  }
}
