package dev.toolgate.gateway.execution.http;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM text: X.509 certificates and an unencrypted PKCS#8 private key (RSA, EC or EdDSA). */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    /** The certificates and key of a PEM bundle. */
    record Identity(List<X509Certificate> chain, PrivateKey key) {
    }

    private Pem() {
    }

    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(certificate(decode(m.group(2))));
            }
        }
        return out;
    }

    /** A client identity: at least one certificate (leaf first) and one PKCS#8 key. */
    static Identity identity(String pem) {
        List<X509Certificate> chain = certificates(pem);
        Optional<PrivateKey> key = Optional.empty();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            switch (m.group(1)) {
                case "PRIVATE KEY" -> key = Optional.of(privateKey(decode(m.group(2))));
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "the private key is in '" + m.group(1) + "' form; store it as unencrypted PKCS#8"
                                + " ('openssl pkcs8 -topk8 -nocrypt')");
                default -> {
                }
            }
        }
        if (chain.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("a client identity needs a PEM certificate chain and a PEM"
                    + " 'PRIVATE KEY' (PKCS#8)");
        }
        return new Identity(chain, key.get());
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("a PEM certificate is not a valid X.509 certificate");
        }
    }

    private static PrivateKey privateKey(byte[] der) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the PEM private key is not an RSA, EC or EdDSA PKCS#8 key");
    }
}
