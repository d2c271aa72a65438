// Creates, updates and deletes Kafka SCRAM-SHA-512 users through the Admin API, which kafkajs does not offer
// (AlterUserScramCredentials). Run from source by the JDK (`java -cp '<kafka libs>/*' ScramUsers.java`), so nothing is
// compiled or committed as a binary. Everything secret arrives on standard input, never on the command line:
//
//   connect <bootstrap> <ca-pem-file> <admin-user> <admin-password>
//   upsert <user> <password>          (one line per user)
//   delete <user>                     (unused: see libs/local-stack/src/kafka-scram.ts, ScramChange)
//   list
//
// Prints one line per result ("upserted <user>", "deleted <user>", "user <name>"); exits 1 with the reason on failure.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

public class ScramUsers {
  private static final int ITERATIONS = 8192;

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String[] connect = words(in.readLine(), "connect", 5);
    Properties props = new Properties();
    props.put("bootstrap.servers", connect[1]);
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.location", connect[2]);
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + connect[3] + "\" password=\"" + connect[4] + "\";");
    props.put("request.timeout.ms", "20000");
    props.put("default.api.timeout.ms", "30000");
    List<UserScramCredentialAlteration> changes = new ArrayList<>();
    List<String> done = new ArrayList<>();
    boolean list = false;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      String verb = line.trim().split("\\s+")[0];
      if (verb.equals("upsert")) {
        String[] w = words(line, "upsert", 3);
        changes.add(new UserScramCredentialUpsertion(w[1],
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), w[2]));
        done.add("upserted " + w[1]);
      } else if (verb.equals("delete")) {
        String[] w = words(line, "delete", 2);
        changes.add(new UserScramCredentialDeletion(w[1], ScramMechanism.SCRAM_SHA_512));
        done.add("deleted " + w[1]);
      } else if (verb.equals("list")) {
        list = true;
      } else {
        throw new IllegalArgumentException("unknown command: " + verb);
      }
    }
    try (Admin admin = Admin.create(props)) {
      if (!changes.isEmpty()) admin.alterUserScramCredentials(changes).all().get();
      done.forEach(System.out::println);
      if (list) {
        for (UserScramCredentialsDescription d : admin.describeUserScramCredentials().all().get().values()) {
          System.out.println("user " + d.name());
        }
      }
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("scram users: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      System.exit(1);
    }
  }

  private static String[] words(String line, String verb, int count) {
    String[] w = line == null ? new String[0] : line.trim().split("\\s+");
    if (w.length != count || !w[0].equals(verb)) {
      throw new IllegalArgumentException("expected: " + verb + " with " + (count - 1) + " argument(s)");
    }
    return w;
  }
}
