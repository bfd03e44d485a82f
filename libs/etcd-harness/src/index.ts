export * from './etcd-cluster';
