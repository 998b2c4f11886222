import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor of the framework under Toolgate, for bench/run: the least a Vert.x 5 HTTP/1.1 proxy
 * does (read the request, send it upstream on a pooled keep-alive connection, copy the status,
 * content type and body back), on as many event loops as Toolgate uses, each with its own client
 * pool (as Vert.x advises and Toolgate does). No routing, no headers forwarded, no observation, no
 * timeouts. Run: java -cp target/toolgate.jar BareProxy.java PORT UPSTREAM_PORT
 */
public class BareProxy {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstream = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                        .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(256));
                return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> client
                        .request(new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(upstream)
                                .setURI(request.uri()).putHeader("content-type", "application/json"))
                        .compose(r -> r.send(body))
                        .compose(answer -> answer.body().map(bytes -> request.response().setStatusCode(answer.statusCode())
                                .putHeader("content-type", String.valueOf(answer.getHeader("content-type"))).end(bytes)))
                        .onFailure(t -> request.response().setStatusCode(502).end())))
                        .listen(port, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())).await();
        System.out.println("bare proxy on 127.0.0.1:" + port);
    }
}
