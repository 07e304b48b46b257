import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.util.concurrent.CountDownLatch;

/**
 * Launcher for a local, in-memory MongoDB-wire-protocol server (de.bwaldvogel:mongo-java-server).
 *
 * <pre>
 *   java -cp '&lt;classes&gt;:&lt;lib&gt;/*' MongoServerMain &lt;host&gt; &lt;port&gt;
 *   java -cp '&lt;lib&gt;/*' MongoServerMain.java &lt;host&gt; &lt;port&gt;      (single-file source launch)
 * </pre>
 *
 * Stays up until killed; SIGTERM/SIGINT shut the server down cleanly. Data lives in memory only.
 *
 * The backend reports MongoDB 5.0 by default (the library announces wire version 8 for it), because the
 * Node.js driver 6.x refuses servers below wire version 8 and the library's default, 3.6, is wire 6. Override with
 * -Dmongo.serverVersion=MONGO_4_0|MONGO_3_6|MONGO_5_0. Log level: -Dorg.slf4j.simpleLogger.defaultLogLevel.
 */
public final class MongoServerMain {

    private MongoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");

        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 27017;
        ServerVersion version = ServerVersion.valueOf(System.getProperty("mongo.serverVersion", "MONGO_5_0"));

        MemoryBackend backend = new MemoryBackend();
        backend.version(version);
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mongo-java-server: shutting down");
            server.shutdownNow();
            stopped.countDown();
        }, "mongo-shutdown"));

        System.out.println("mongo-java-server " + libraryVersion()
                + "(memory backend, " + version + ", wire " + version.getWireVersion() + ") listening on "
                + host + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** "1.47.0" from the jar name (mongo-java-server-core-1.47.0.jar); the jars carry no manifest version. */
    private static String libraryVersion() {
        try {
            String jar = MongoServer.class.getProtectionDomain().getCodeSource().getLocation().getPath();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d[^/]*)\\.jar$").matcher(jar);
            return m.find() ? m.group(1) + " " : "";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
