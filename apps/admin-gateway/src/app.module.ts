import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ClusterModule } from './cluster/cluster.module';
import { validateGatewayEnv, type GatewayEnv } from './config/gateway-config';
import { databaseOptions } from './database';
import { AuditModule, DashboardModule, HealthModule, OperationsModule } from './modules';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: (raw) => ({ gateway: validateGatewayEnv(raw) }) }),
    LoggerModule.forRoot({ forRoutes: [], pinoHttp: { level: process.env['LOG_LEVEL'] ?? 'info', autoLogging: false, base: { app: 'admin-gateway' } } }),
    TypeOrmModule.forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService) => databaseOptions(config.get<GatewayEnv>('gateway')!) }),
    ClusterModule,
    AuditModule,
    OperationsModule,
    DashboardModule,
    HealthModule,
  ],
})
export class AppModule {}
