import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Creates, changes or deletes SCRAM-SHA-512 users of a Kafka cluster in one admin call (kafkajs has
 * no AlterUserScramCredentials; one JVM for a whole batch instead of one kafka-configs run per user).
 *
 *   KAFKA_BOOTSTRAP=host:port KAFKA_ADMIN_USER=admin KAFKA_ADMIN_PASSWORD=... \
 *     java -cp <classes>:<kafka lib>/* KafkaScramUsers upsert NAME ... | delete NAME ...
 *
 * Beware `delete` on Kafka 3.9.1: replayed at the broker's next start it can drop other users too
 * (scripts/kafka/kafka-principals.ts revokes with a random password instead).
 *
 * Passwords of `upsert` are read from stdin, one line per NAME, in order (never on the command line).
 * Compiled once by scripts/infra-up.sh; used by scripts/kafka/kafka-principals.ts.
 */
public final class KafkaScramUsers {
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[0].equals("upsert") || args[0].equals("delete"))) {
      System.err.println("usage: KafkaScramUsers upsert|delete NAME...");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", System.getenv("KAFKA_BOOTSTRAP"));
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + System.getenv("KAFKA_ADMIN_USER")
            + "\" password=\""
            + System.getenv("KAFKA_ADMIN_PASSWORD")
            + "\";");
    props.put("request.timeout.ms", "20000");
    props.put("default.api.timeout.ms", "30000");
    java.io.BufferedReader stdin =
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, "UTF-8"));
    List<UserScramCredentialAlteration> changes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[0].equals("upsert")) {
        String password = stdin.readLine();
        if (password == null || password.isEmpty()) {
          System.err.println("no password on stdin for " + args[i]);
          System.exit(2);
        }
        changes.add(
            new UserScramCredentialUpsertion(
                args[i], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
      } else {
        changes.add(new UserScramCredentialDeletion(args[i], ScramMechanism.SCRAM_SHA_512));
      }
    }
    try (Admin admin = Admin.create(props)) {
      admin.alterUserScramCredentials(changes).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      // Deleting a user that is not there is done.
      if (args[0].equals("delete")
          && e.getCause() instanceof org.apache.kafka.common.errors.ResourceNotFoundException) {
        return;
      }
      System.err.println(e.getCause());
      System.exit(1);
    }
  }
}
