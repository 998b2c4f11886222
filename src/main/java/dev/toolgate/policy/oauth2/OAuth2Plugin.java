package dev.toolgate.policy.oauth2;

import dev.toolgate.config.ConsumerGroup;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.PolicySchema;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.stream.Collectors;

/** Kong's {@code ai-mcp-oauth2}: reads its configuration and provisions {@link OAuth2}. No I/O here. */
public final class OAuth2Plugin implements PolicyPlugin {

    public static final String NAME = "ai-mcp-oauth2";

    @Override
    public PluginSchema schema() {
        return PolicySchema.noConsumer(NAME, OAuth2Config::read);
    }

    @Override
    public ExchangePolicy provision(Plugin plugin, Provisioning provisioning) {
        OAuth2Config config = (OAuth2Config) plugin.config();
        ServerMetadata server = new ServerMetadata(config, config.authorizationServers().getFirst(), provisioning.clock());
        ClaimRules rules = new ClaimRules(config, server, provisioning.clock());
        OutageWarnings outage = new OutageWarnings(LoggerFactory.getLogger(OAuth2.class), provisioning.clock());
        OAuth2.Validator validator = config.introspectionEndpoint() != null
                ? new Introspector(config, rules, provisioning.clock(), outage)::check
                : jwt(new JwtTokens(IssuerKeys.of(config, server, provisioning.clock(), outage), rules,
                        provisioning.clock()));
        Set<String> groups = provisioning.config().consumerGroups().stream().map(ConsumerGroup::name)
                .collect(Collectors.toSet());
        TokenExchanger exchanger = config.exchange().enabled()
                ? new TokenExchanger(config.exchange(), config.timeout(), provisioning.clock(), outage) : null;
        return new OAuth2(config, ResourceMetadata.of(config), validator,
                new Callers(config.mapping(), provisioning.consumers(), groups, config.severalIssuers()), exchanger, outage);
    }

    // checked with the keys in hand or one shared fetch of them: no call a client address could pile up
    private static OAuth2.Validator jwt(JwtTokens tokens) {
        return (token, client) -> tokens.check(token);
    }
}
