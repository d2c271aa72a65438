// Names the KRaft quorum's leader, which is the active controller, through the DescribeQuorum API (Admin's
// describeMetadataQuorum), which kafkajs does not offer and whose command-line tool (kafka-tools) is not among the
// fetched jars. Run from source by the JDK (`java -cp '<kafka libs>/*' QuorumLeader.java`), as
// deploy/kafka/tools/ScramUsers.java is. The admin's password arrives on standard input, never on the command line:
//
//   <bootstrap> <ca-pem-file> <admin-user> <admin-password>
//
// Prints "leader <id> epoch <epoch>", then "voter <id> <log end offset>" per voter; exits 1 with the reason on failure.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;

public class QuorumLeader {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    String[] w = line == null ? new String[0] : line.trim().split("\\s+");
    if (w.length != 4) {
      System.err.println("expected: <bootstrap> <ca-pem-file> <admin-user> <admin-password>");
      System.exit(1);
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", w[0]);
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.location", w[1]);
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + w[2] + "\" password=\"" + w[3] + "\";");
    props.put("request.timeout.ms", "10000");
    props.put("default.api.timeout.ms", "20000");
    try (Admin admin = Admin.create(props)) {
      QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
      System.out.println("leader " + quorum.leaderId() + " epoch " + quorum.leaderEpoch());
      for (QuorumInfo.ReplicaState voter : quorum.voters()) {
        System.out.println("voter " + voter.replicaId() + " " + voter.logEndOffset());
      }
    } catch (Exception e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
