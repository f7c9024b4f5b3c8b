package io.cuecast.control;

import java.security.SecureRandom;

/** Random identifiers and secrets. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Secrets() {
    }

    /** A public stream id: 12 lowercase base32 characters (60 bits), safe in URLs and file names. */
    public static String streamId() {
        return random(BASE32, 12);
    }

    /** A stream key: {@code sk_} + 32 base62 characters (about 190 bits). */
    public static String streamKey() {
        return "sk_" + random(BASE62, 32);
    }

    /** An admin token: 40 base62 characters (about 238 bits). */
    public static String adminToken() {
        return random(BASE62, 40);
    }

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
