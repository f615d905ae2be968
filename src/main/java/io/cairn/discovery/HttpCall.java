package io.cairn.discovery;

import java.net.InetAddress;

/** One HTTP request as the discovery protocol sees it: the body already read (and bounded) by the server. */
public record HttpCall(String method, String path, String contentType, byte[] body, InetAddress remote) {}
