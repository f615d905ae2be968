package io.cairn.discovery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key, read from PEM files as operators have them (what
 * Let's Encrypt or {@code openssl req} writes), as an in-memory key store for Jetty. Keys in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) and RSA keys in PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) are read; an encrypted key is refused.
 */
final class PemKeyStore {
  static final char[] PASSWORD = "cairn-discovery".toCharArray();
  static final String ALIAS = "discovery";
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");
  /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, in DER. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
      0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private PemKeyStore() {}

  static KeyStore load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    Certificate[] chain = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))).toArray(Certificate[]::new);
    if (chain.length == 0) throw new GeneralSecurityException(certFile + ": no certificate");
    PrivateKey key = privateKey(keyFile, Files.readString(keyFile, StandardCharsets.US_ASCII));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(ALIAS, key, PASSWORD, chain);
    return ks;
  }

  private static PrivateKey privateKey(Path file, String pem) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(der);
        }
        case "RSA PRIVATE KEY" -> {
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs8(der)));
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException(file + ": the key is encrypted; give it unencrypted");
        default -> { }
      }
    }
    throw new GeneralSecurityException(file + ": no private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY);"
        + " convert with: openssl pkcs8 -topk8 -nocrypt -in KEY");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("unsupported private key type", last);
  }

  /** PKCS#1 wrapped as PKCS#8: SEQUENCE { INTEGER 0, rsaEncryption, OCTET STRING pkcs1 }. */
  private static byte[] rsaPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int n) {
    if (n < 0x80) return new byte[] {(byte) n};
    if (n < 0x100) return new byte[] {(byte) 0x81, (byte) n};
    if (n < 0x10000) return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }
}
