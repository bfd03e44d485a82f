import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { ClusterModule } from './cluster/cluster.module';
import { GATEWAY_ENV, validateGatewayEnv, type GatewayEnv } from './config/gateway-config';
import { DashboardModule } from './dashboard/dashboard.module';
import { databaseOptions } from './database';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OperationsModule } from './operations/operations.module';

@Module({})
export class AppModule {
  /**
   * The gateway for an environment (process.env in main.ts). The environment is validated
   * here — a bad value throws a GatewayConfigError naming the setting — and served to every
   * module through @nestjs/config's ConfigService under "gateway".
   */
  static register(raw: Record<string, unknown>): DynamicModule {
    const env = validateGatewayEnv(raw);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [() => ({ [GATEWAY_ENV]: env })] }),
        LoggerModule.forRoot({
          forRoutes: [],
          pinoHttp: { level: env.LOG_LEVEL, autoLogging: false, base: { app: 'admin-gateway' } },
        }),
        TypeOrmModule.forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService) => databaseOptions(config.getOrThrow<GatewayEnv>(GATEWAY_ENV)) }),
        MetricsModule,
        ClusterModule,
        AuditModule,
        OperationsModule,
        DashboardModule,
        HealthModule,
      ],
    };
  }
}
