package io.cuecast.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay on 127.0.0.1 between a WebRTC client and the server that loses and reorders the
 * client's RTP ({@code tc netem} is not available here). STUN, DTLS and RTCP pass untouched, and so
 * does everything the server sends. Bounded: it stops when closed, or after {@code maxSeconds}.
 */
final class LossyUdpRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private final double lossRate;
    private final int reorderEvery;
    private final Random random = new Random(20261201);
    private final Thread thread;
    private volatile InetSocketAddress server;
    private volatile InetSocketAddress client;
    private volatile boolean running = true;
    final AtomicLong rtpForwarded = new AtomicLong();
    final AtomicLong rtpDropped = new AtomicLong();
    final AtomicLong rtpReordered = new AtomicLong();

    LossyUdpRelay(double lossRate, int reorderEvery, int maxSeconds) throws SocketException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.lossRate = lossRate;
        this.reorderEvery = reorderEvery;
        socket.setSoTimeout(100);
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        this.thread = new Thread(() -> run(end), "lossy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    void forwardTo(int serverPort) {
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    }

    private void run(long end) {
        byte[] buf = new byte[2048];
        byte[] held = null;
        long rtp = 0;
        while (running && System.nanoTime() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            InetSocketAddress to = server;
            if (to == null) {
                continue;
            }
            try {
                if (from.equals(to)) {
                    if (client != null) {
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), client));
                    }
                    continue;
                }
                client = from;
                int b0 = buf[0] & 0xff;
                int pt = p.getLength() > 1 ? buf[1] & 0xff : 0;
                boolean isRtp = b0 >= 128 && b0 <= 191 && !(pt >= 192 && pt <= 223);
                if (!isRtp) {
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), to));
                    continue;
                }
                rtp++;
                if (random.nextDouble() < lossRate) {
                    rtpDropped.incrementAndGet();
                    continue;
                }
                byte[] copy = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (held == null && reorderEvery > 0 && rtp % reorderEvery == 0) {
                    held = copy; // sent after the next packet: one swap
                    rtpReordered.incrementAndGet();
                    continue;
                }
                socket.send(new DatagramPacket(copy, copy.length, to));
                rtpForwarded.incrementAndGet();
                if (held != null) {
                    socket.send(new DatagramPacket(held, held.length, to));
                    rtpForwarded.incrementAndGet();
                    held = null;
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        socket.close();
        thread.join(2000);
    }
}
