package io.cairn.checks;

import java.net.Socket;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for an HTTP check with {@code TLSServerName}: the certificate chain verified as usual
 * (the JDK's trusted roots), and the server's name checked against TLSServerName instead of
 * the URL's host, which is also sent as SNI. Verification is not weaker, only aimed at the name
 * the operator gave (an address in the URL, the service's name in the certificate).
 */
final class ServerNameTrust extends X509ExtendedTrustManager {
  private final X509TrustManager roots;
  private final String serverName;

  ServerNameTrust(X509TrustManager roots, String serverName) {
    this.roots = roots;
    this.serverName = serverName.toLowerCase(Locale.ROOT);
  }

  /** The JDK's trusted roots. */
  static X509TrustManager roots() throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((KeyStore) null);
    for (TrustManager t : f.getTrustManagers()) if (t instanceof X509TrustManager x) return x;
    throw new IllegalStateException("no X.509 trust manager");
  }

  static SSLContext context(String serverName) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new ServerNameTrust(roots(), serverName)}, new SecureRandom());
    return ctx;
  }

  /** SNI carrying the name (when it is a host name), and no endpoint check of the URL's host: this manager checks the name. */
  static SSLParameters parameters(String serverName) {
    SSLParameters p = new SSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    try {
      p.setServerNames(List.of(new SNIHostName(serverName)));
    } catch (IllegalArgumentException notAHostName) {
      // an IP address: no SNI, the check below still applies
    }
    return p;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    roots.checkServerTrusted(chain, authType);
    if (!matches(chain[0])) {
      throw new CertificateException("the certificate is not for TLSServerName \"" + serverName + "\"");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a check presents no server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return roots.getAcceptedIssuers();
  }

  /** RFC 6125: a DNS name of the subject alternative names (a leading "*." covers one label), or an IP entry; else the CN. */
  boolean matches(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    boolean hadDns = false;
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if (type == 2) {
          hadDns = true;
          if (dnsMatch(value)) return true;
        } else if (type == 7 && value.equals(serverName)) {
          return true;
        }
      }
    }
    if (hadDns) return false;
    String dn = cert.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.trim().toUpperCase(Locale.ROOT).startsWith("CN=") && dnsMatch(part.trim().substring(3).toLowerCase(Locale.ROOT))) return true;
    }
    return false;
  }

  private boolean dnsMatch(String pattern) {
    if (pattern.startsWith("*.")) {
      int dot = serverName.indexOf('.');
      return dot > 0 && serverName.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(serverName);
  }
}
